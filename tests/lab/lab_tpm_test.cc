// The network lab's TPM device (issue 5): the device's IDevID key is made
// inside a software TPM (swtpm) running in the device's own namespace, its
// certificate issued by the lab's manufacturer CA from a CSR the TPM signed,
// and the real sztp-agent, in that namespace, onboards end to end with the
// key used through the tpm2 OpenSSL provider (lab/services.h,
// startDeviceTpm and useTpmIdentity).
//
// Needs root and the lab's tools, plus swtpm, swtpm_ioctl, tpm2-tools,
// tpm2-abrmd (the device's resource manager) with dbus-daemon, and the tpm2
// OpenSSL provider; skipped with the reason otherwise. A program of
// its own so that the other lab scenarios do not wait for the TPM.

#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/certificate.h"
#include "lab/deployment.h"
#include "lab/services.h"
#include "testutil/command.h"
#include "testutil/software_tpm.h"
#include "testutil/temp_dir.h"

namespace sztp::lab {
namespace {

namespace fs = std::filesystem;
using agent::e2e::countContaining;
using agent::e2e::joined;

/// Why the TPM tools are missing, or "": the programs, the TCTI library
/// tpm2-abrmd's clients load, and the provider module where `openssl
/// version -m` says modules are.
std::string missingTpmTools() {
  for (const char* program :
       {"swtpm", "swtpm_ioctl", "tpm2_createprimary", "openssl", "dbus-daemon", "tpm2-abrmd"}) {
    if (!testutil::haveProgram(program)) {
      return std::string(program) +
             " is not installed (Debian: swtpm, swtpm-tools, tpm2-tools, openssl, dbus-daemon, "
             "tpm2-abrmd)";
    }
  }
  if (testutil::runCommand({"ldconfig", "-p"}).output.find("libtss2-tcti-tabrmd.so.0") ==
      std::string::npos) {
    return "the tabrmd TCTI is not installed (Debian: libtss2-tcti-tabrmd0)";
  }
  const auto modules = testutil::runCommand({"openssl", "version", "-m"});
  const auto quote = modules.output.find('"');
  const auto end = modules.output.rfind('"');
  if (quote == std::string::npos || end <= quote ||
      !fs::exists(fs::path(modules.output.substr(quote + 1, end - quote - 1)) / "tpm2.so")) {
    return "the tpm2 OpenSSL provider is not installed (Debian: tpm2-openssl)";
  }
  return "";
}

// DHCPv4 (dnsmasq, asked by the agent) → a signed redirect → the onboarding
// server, with the image install, "reboot" and second boot: both servers
// authenticate the device by its TPM-held IDevID over mutual TLS, and the
// agent verifies the servers' chains and the signed redirect with the tpm2
// provider loaded.
TEST(LabTpmTest, DeviceWithATpmHeldIdevidOnboardsInItsNamespace) {
  const Tools tools = Tools::find();
  if (const auto why = tools.missing()) {
    GTEST_SKIP() << *why;
  }
  if (const auto why = missingTpmTools(); !why.empty()) {
    GTEST_SKIP() << why;
  }
  const testutil::TempDir dir;
  const fs::path pki = dir.path() / "pki";
  std::string why;
  ASSERT_TRUE(makePki(pki, {kInfraV4, kInfraV6}, {"SN-1"}, why)) << why;
  Lab lab(tools, {Lab::DeviceAddressing{}});
  ASSERT_EQ(lab.error(), "");
  // After the Lab: stopped before the namespaces go.
  testutil::SoftwareTpm tpm;
  ASSERT_TRUE(startDeviceTpm(lab, 1, tpm, why)) << why;
  fs::create_directories(dir.path() / "dhcp");
  ASSERT_NE(
      startDnsmasq(lab, DhcpSite{lab.infra(), kBridge}, redirectUris(), dir.path() / "dhcp", why),
      nullptr)
      << why;

  Deployment deployment(lab, dir.path(), pki);
  Device& device = deployment.addDevice(1);
  ASSERT_TRUE(deployment.startOnboardingServer(why)) << why;
  ASSERT_TRUE(deployment.startRedirectServer(why)) << why;
  device.writeConfig(Deployment::dhcpSources(true));
  ASSERT_TRUE(useTpmIdentity(device, "SN-1", pki, tpm, why)) << why;

  // The manufacturer's IDevID for SN-1, for the TPM's EC key: not the
  // software one `sztp pki init` made, whose key is gone from the device.
  auto idevid = crypto::Certificate::fromPem(testutil::readText(device.root() / "idevid.pem"));
  auto software =
      crypto::Certificate::fromPem(testutil::readText(pki / "manufacturer/idevid/SN-1.crt"));
  ASSERT_TRUE(idevid && software);
  EXPECT_EQ(idevid->subjectSerialNumber(), "SN-1");
  EXPECT_EQ(idevid->issuer(), software->issuer());
  EXPECT_EQ(idevid->publicKeyDescription(), "EC P-256");
  EXPECT_FALSE(idevid->toDer() == software->toDer());
  EXPECT_FALSE(fs::exists(device.root() / "idevid.key"));
  EXPECT_NE(testutil::readText(device.config()).find("key-provider: tpm2"), std::string::npos);

  std::string output;
  ASSERT_TRUE(Deployment::onboard(device, output, why)) << why;
  EXPECT_NE(output.find("origin=dhcpv4 eth0 (DHCPINFORM)"), std::string::npos) << output;
  const auto onboarding = deployment.onboarding().stopAndReadDeviceLog("SN-1");
  const auto redirect = deployment.redirect().stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(onboarding, "progress bootstrap-complete"), 1) << joined(onboarding);
  EXPECT_EQ(countContaining(onboarding, "\"authenticated-by\":\"certificate\""), 2)
      << joined(onboarding);
  EXPECT_EQ(countContaining(redirect, "\"kind\":\"redirect-information\""), 2) << joined(redirect);
  EXPECT_EQ(countContaining(redirect, "\"signed\":true"), 2) << joined(redirect);
  EXPECT_EQ(countContaining(redirect, "\"authenticated-by\":\"certificate\""), 2)
      << joined(redirect);
}

}  // namespace
}  // namespace sztp::lab
