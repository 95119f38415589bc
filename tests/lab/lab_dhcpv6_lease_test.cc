// The network lab (issue 5), the agent finding DHCPv6 option 136 in a DHCP
// client's lease: a real ISC dhclient -6 in an IPv6-only device namespace
// asks dnsmasq, then Kea (each configured from `sztp dhcp config`), for
// option 136 and writes its lease file; the agent, not asking DHCP itself
// (inform: false), reads only that lease directory, is redirected and
// onboards over IPv6. The client is stateful (Solicit, Request): in
// stateless mode (-S, Information-Request) dhclient 4.4 writes no lease
// file at all (only its script hears the options), so such a device is
// found by the agent asking on its own (DhcpLabTest.V6OnlyDeviceOnboardsOverIpv6).
//
// Needs root, `ip`, dnsmasq, Kea and dhclient (isc-dhcp-client); skipped
// with the reason otherwise. A program of its own, like lab_tpm_test.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "lab/deployment.h"
#include "lab/services.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::lab {
namespace {

namespace fs = std::filesystem;
using agent::e2e::countContaining;
using agent::e2e::joined;

enum class Dhcp { Dnsmasq, Kea };

class Dhcpv6LeaseLabTest : public ::testing::TestWithParam<Dhcp> {
 protected:
  void SetUp() override {
    tools_ = Tools::find();
    if (const auto why = tools_.missing()) {
      GTEST_SKIP() << *why;
    }
    if (tools_.dhclient.empty()) {
      GTEST_SKIP() << "needs dhclient (isc-dhcp-client)";
    }
    if (pki_ == nullptr) {
      pki_ = new testutil::TempDir;
      std::string why;
      ASSERT_TRUE(makePki(pki_->path(), {kInfraV4, kInfraV6}, {"SN-1"}, why)) << why;
    }
  }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  /// The server's DHCPv6 log: dnsmasq logs both families in one.
  fs::path startDhcp(Lab& lab) {
    std::string why;
    const fs::path where = dir_.path() / "dhcp";
    fs::create_directories(where);
    const DhcpSite site{lab.infra(), kBridge};
    if (GetParam() == Dhcp::Dnsmasq) {
      EXPECT_NE(startDnsmasq(lab, site, redirectUris(), where, why), nullptr) << why;
      return where / "dnsmasq.log";
    }
    EXPECT_TRUE(startKea(lab, site, redirectUris(), where, why)) << why;
    return where / "kea-dhcp6.log";
  }

  static inline testutil::TempDir* pki_ = nullptr;
  Tools tools_;
  testutil::TempDir dir_;
};

INSTANTIATE_TEST_SUITE_P(Servers, Dhcpv6LeaseLabTest, ::testing::Values(Dhcp::Dnsmasq, Dhcp::Kea),
                         [](const auto& param) {
                           return param.param == Dhcp::Dnsmasq ? "Dnsmasq" : "Kea";
                         });

// A device without IPv4 runs dhclient -6; the agent only reads its lease
// (nothing sent by the agent itself), then goes over IPv6 all the way.
TEST_P(Dhcpv6LeaseLabTest, DhclientV6LeaseFindsTheRedirectServer) {
  Lab lab(tools_, {Lab::DeviceAddressing{.v4 = false, .v6 = true}});
  ASSERT_EQ(lab.error(), "");
  const fs::path dhcp6Log = startDhcp(lab);
  ASSERT_FALSE(HasFailure());
  Deployment deployment(lab, dir_.path(), pki_->path());
  Device& device = deployment.addDevice(1);
  std::string why;
  ASSERT_TRUE(deployment.startOnboardingServer(why)) << why;
  ASSERT_TRUE(deployment.startRedirectServer(why)) << why;

  const fs::path client = dir_.path() / "dhclient6";
  fs::create_directories(client);
  const fs::path leaseFile = device.root() / "leases/dhclient6.eth0.leases";
  ASSERT_NE(startDhclient6(lab, lab.device(1), leaseFile, client, why), nullptr)
      << why << testutil::readText(dhcp6Log);
  const std::string lease = testutil::readText(leaseFile);
  EXPECT_NE(lease.find("lease6 {"), std::string::npos) << lease;
  // An address of the server's pool (fd00:99::100-1ff) was leased.
  EXPECT_NE(lease.find("iaaddr fd00:99::1"), std::string::npos) << lease;

  device.writeConfig(Deployment::dhcpSources(false));
  std::string output;
  ASSERT_TRUE(Deployment::onboard(device, output, why)) << why << output;

  // The onboarding server saw the whole onboarding once, answered from the
  // IPv6 profile; the redirect server redirected both boots to IPv6.
  const Lines onboarding = deployment.onboarding().stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(onboarding, "progress bootstrap-complete"), 1) << joined(onboarding);
  EXPECT_EQ(countContaining(onboarding, "\"profile\":\"full-v6-SN-1\""), 2) << joined(onboarding);
  const Lines redirect = deployment.redirect().stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(redirect, "\"profile\":\"to-v6\""), 2) << joined(redirect);
  EXPECT_EQ(countContaining(redirect, "\"signed\":true"), 2) << joined(redirect);

  // The server heard dhclient's Request and no Information-Request: the
  // agent did not ask.
  const std::string serverLog = testutil::readText(dhcp6Log);
  const bool dnsmasq = GetParam() == Dhcp::Dnsmasq;
  const std::string informationRequest =
      dnsmasq ? "DHCPINFORMATION-REQUEST(br0)" : "INFORMATION_REQUEST (type 11)";
  const std::string request = dnsmasq ? "DHCPREQUEST(br0)" : "REQUEST (type 3)";
  EXPECT_EQ(serverLog.find(informationRequest), std::string::npos) << serverLog;
  EXPECT_NE(serverLog.find(request), std::string::npos) << serverLog;
  EXPECT_EQ(output.find("(Information-Request)"), std::string::npos) << output;
  for (const char* seen : {"origin=dhcpv6 eth0 (dhclient lease ", "redirect to [fd00:99::1]:9443",
                           "downloading https://[fd00:99::1]:8080/os-2.img"}) {
    EXPECT_NE(output.find(seen), std::string::npos) << seen << "\n" << output;
  }
}

}  // namespace
}  // namespace sztp::lab
