// The network lab (issue 5), end to end: real DHCP servers (dnsmasq, Kea)
// configured from `sztp dhcp config`, two real sztp-servers (a redirect
// server and an onboarding server with its file server) in an infrastructure
// namespace, the real sztp-agent in a device namespace joined to it by a
// bridge. Each scenario ends with `ztp status` completed and the onboarding
// server's device log holding bootstrap-complete.
//
// The device learns the redirect server from DHCP (never configured), is
// answered with a signed redirect (it contacted that server provisionally)
// carrying the onboarding server's trust anchor, and so reports progress to
// the onboarding server only. Both servers choose by the device's source
// address: an IPv6 client is redirected to the IPv6 address and given the
// image's IPv6 download URI, so an IPv6-only device proves the whole path
// ran over IPv6.
//
// Needs root, `ip`, dnsmasq and Kea (dhclient for the lease tests); skipped
// with the reason otherwise. Every namespace and process goes with the Lab
// (RAII), also when an assertion fails.

#include "lab.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "../agent/rig.h"
#include "services.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::lab {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using agent::e2e::countContaining;
using agent::e2e::Device;
using agent::e2e::joined;
using agent::e2e::Server;
using agent::e2e::ServerPlacement;
using Lines = std::vector<std::string>;

const std::string kV4(kInfraV4);
const std::string kV6(kInfraV6);
constexpr const char* kRedirectPort = "8443";
constexpr const char* kOnboardingPort = "9443";
constexpr const char* kFilesPort = "8080";
/// What the DHCP servers announce: the redirect server, IPv4 first.
const std::vector<std::string> kDhcpUris{"https://" + kV4 + ":" + kRedirectPort,
                                         "https://[" + kV6 + "]:" + kRedirectPort};
const std::string kRogueV4 = "10.99.0.66";
const std::string kRogueV6 = "fd00:99::66";

const Lines kFullEffects = {"install 65536 bytes", "reboot", "pre-script", "apply-merge <config/>",
                            "post-script"};

std::string imageContent() {
  std::string text;
  while (text.size() < 64 * 1024) {
    text += "DemoOS 2.0 boot image block " + std::to_string(text.size()) + "\n";
  }
  text.resize(64 * 1024);
  return text;
}

std::string indentedScript(const std::string& line) {
  return "      #!/bin/sh\n      " + line + "\n";
}

class LabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tools_ = Tools::find();
    if (const auto why = tools_.missing()) {
      GTEST_SKIP() << *why;
    }
    if (suite_ == nullptr) {
      suite_ = new testutil::TempDir;
      makePki("pki", kV4, kV6);
      makePki("rogue-pki", kRogueV4, kRogueV6);
    }
    ASSERT_FALSE(HasFatalFailure());
  }

  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
  }

  /// A PKI whose server certificate names the infrastructure (or rogue)
  /// addresses, and a voucher for SN-1 pinning its owner CA.
  static void makePki(const std::string& name, const std::string& v4, const std::string& v6) {
    const std::string sztp = testutil::binaryPath("sztp");
    const std::string pki = (suite_->path() / name).string();
    auto made = testutil::runCommand({sztp, "pki", "init", "--dir", pki, "--serial", "SN-1",
                                      "--server-address", v4, "--server-address", v6});
    ASSERT_EQ(made.exitCode, 0) << made.output;
    auto voucher = testutil::runCommand(
        {sztp, "voucher", "create", "--serial", "SN-1", "--pinned-domain-cert",
         pki + "/owner/ca.crt", "--signer-cert", pki + "/masa/masa.crt", "--signer-key",
         pki + "/masa/masa.key", "--expires-in", "30d", "-o", pki + "/SN-1.vcj"});
    ASSERT_EQ(voucher.exitCode, 0) << voucher.output;
  }
  static fs::path pki(const std::string& name = "pki") { return suite_->path() / name; }

  /// The head of every inventory: the device type (trusting the real
  /// manufacturer CA) and the owner of `pkiName`.
  static std::string inventoryHead(const std::string& pkiName) {
    const std::string p = pki(pkiName).string();
    return "version: 1\ndevice-types:\n  - name: dpu\n    idevid-trust-anchors: " + pki().string() +
           "/manufacturer/ca.crt\nowners:\n  - name: acme\n" + "    certificate-chain: [" + p +
           "/owner/owner.crt]\n    signing-key: " + p + "/owner/owner.key\n";
  }

  static std::string deviceHead(const std::string& pkiName) {
    return "devices:\n  - serial-number: SN-1\n    device-type: dpu\n    owner: acme\n"
           "    ownership-voucher: " +
           (pki(pkiName) / "SN-1.vcj").string() + "\n    responses:\n";
  }

  static ServerPlacement placement(const Lab& lab, const std::string& ns, const std::string& v4,
                                   const std::string& v6, const std::string& port,
                                   const std::string& filesPort) {
    ServerPlacement where;
    where.prefix = lab.in(ns);
    where.bootstrapListen = {v4 + ":" + port, "[" + v6 + "]:" + port};
    where.filesListen = {v4 + ":" + filesPort, "[" + v6 + "]:" + filesPort};
    return where;
  }

  /// The onboarding server: the boot image (served by its file server, over
  /// IPv6 to IPv6 clients), scripts and configuration, unsigned (the device
  /// trusts it through the redirect's anchor, or as a well-known server) and
  /// with progress reports.
  void startOnboardingServer(Lab& lab, Server& server, const Device& device) {
    ASSERT_TRUE(server.start(dir_.path() / "onboarding-server", pki(),
                             placement(lab, lab.infra(), kV4, kV6, kOnboardingPort, kFilesPort)))
        << server.log();
    const fs::path image = server.directory() / "files/os-2.img";
    std::ofstream(image, std::ios::binary) << imageContent();
    const std::string log = device.effectsLog().string();
    std::string y = inventoryHead("pki") + "images:\n";
    for (const auto& [name, host] :
         {std::pair<std::string, std::string>{"os-2", kV4},
          std::pair<std::string, std::string>{"os-2-v6", "[" + kV6 + "]"}}) {
      y += "  - name: " + name +
           "\n    os-name: DemoOS\n    os-version: \"2.0\"\n    file: " + image.string() +
           "\n    download-uris: [\"https://" + host + ":" + kFilesPort + "/os-2.img\"]\n";
    }
    y += "scripts:\n  - name: pre\n    text: |\n" + indentedScript("echo pre-script >> " + log) +
         "  - name: post\n    text: |\n" + indentedScript("echo post-script >> " + log) +
         "configurations:\n  - name: cfg\n    handling: merge\n    text: \"<config/>\"\n"
         "onboarding-profiles:\n";
    for (const auto& [name, imageName] :
         {std::pair<std::string, std::string>{"full", "os-2"},
          std::pair<std::string, std::string>{"full-v6", "os-2-v6"}}) {
      y += "  - name: " + name + "\n    image: " + imageName +
           "\n    pre-configuration-script: pre\n    configuration: cfg\n"
           "    post-configuration-script: post\n";
    }
    y += deviceHead("pki") +
         "      - profile: full-v6\n        sign: false\n        reporting-level: verbose\n"
         "        conditions: [{field: source-address, match: subnet, value: \"fd00:99::/64\"}]\n"
         "      - profile: full\n        sign: false\n        reporting-level: verbose\n";
    ASSERT_TRUE(server.apply(y)) << server.log();
  }

  /// The redirect server the DHCP servers announce: a signed redirect to the
  /// onboarding server at the address of the device's family.
  void startRedirectServer(Lab& lab, Server& server) {
    ASSERT_TRUE(server.start(dir_.path() / "redirect-server", pki(),
                             placement(lab, lab.infra(), kV4, kV6, kRedirectPort, "8081")))
        << server.log();
    std::string y = inventoryHead("pki") + "redirect-profiles:\n";
    for (const auto& [name, address] : {std::pair<std::string, std::string>{"to-v4", kV4},
                                        std::pair<std::string, std::string>{"to-v6", kV6}}) {
      y += "  - name: " + name + "\n    bootstrap-servers:\n      - address: \"" + address +
           "\"\n        port: " + kOnboardingPort +
           "\n        trust-anchor-chain: " + (pki() / "tls/ca.crt").string() + "\n";
    }
    y += deviceHead("pki") +
         "      - kind: redirect\n        profile: to-v6\n"
         "        conditions: [{field: source-address, match: subnet, value: \"fd00:99::/64\"}]\n"
         "      - kind: redirect\n        profile: to-v4\n";
    ASSERT_TRUE(server.apply(y)) << server.log();
  }

  /// Device k's root, its agent run in the device namespace.
  Device makeDevice(Lab& lab, std::size_t k) {
    Device device(dir_.path() / ("device" + std::to_string(k)), pki(), "SN-1");
    device.setAgentPrefix(lab.in(lab.device(k)));
    fs::create_directories(device.root() / "leases");
    return device;
  }

  /// The DHCP source only: asking on its own (`inform`) or reading the
  /// leases in <root>/leases; never the host's lease files.
  static Device::Config dhcpSources(bool inform) {
    Device::Config config;
    config.sources = std::string("  order: [dhcp]\n  dhcp:\n    lease-directories: [leases]\n") +
                     "    inform: " + (inform ? "true" : "false") +
                     "\n    interfaces: [eth0]\n    inform-timeout: 2s\n";
    return config;
  }

  /// Runs the agent as at boot until it completes: the first run installs
  /// the image and "reboots", the second (the device back up) finishes.
  static void onboard(Device& device, std::string& output) {
    auto first = device.runAgent({}, 90);
    output = first.output;
    ASSERT_EQ(first.exitCode, 0) << first.output;
    ASSERT_EQ(device.status().state, "awaiting-reboot") << first.output;
    auto second = device.runAgent({}, 90);
    output += second.output;
    ASSERT_EQ(second.exitCode, 0) << second.output;
    const auto status = device.status();
    EXPECT_EQ(status.state, "completed") << status.json << second.output;
    EXPECT_EQ(status.exitCode, 0);
    EXPECT_EQ(device.effects(), kFullEffects) << joined(device.effects());
  }

  /// The onboarding server saw the whole onboarding once, answered from the
  /// profile of the device's address family; the redirect server answered
  /// both boots with a signed redirect to that family's address and got no
  /// report (it was contacted provisionally, D53).
  static void expectServerLogs(Server& onboarding, Server& redirect, bool v6) {
    const Lines log = onboarding.stopAndReadDeviceLog("SN-1");
    EXPECT_EQ(countContaining(log, "progress bootstrap-complete"), 1) << joined(log);
    EXPECT_EQ(countContaining(log, "progress boot-image-installed-rebooting"), 1) << joined(log);
    EXPECT_EQ(countContaining(log, v6 ? "\"profile\":\"full-v6\"" : "\"profile\":\"full\""), 2)
        << joined(log);
    const Lines redirected = redirect.stopAndReadDeviceLog("SN-1");
    EXPECT_EQ(countContaining(redirected, "\"kind\":\"redirect-information\""), 2)
        << joined(redirected);
    EXPECT_EQ(countContaining(redirected, v6 ? "\"profile\":\"to-v6\"" : "\"profile\":\"to-v4\""),
              2)
        << joined(redirected);
    EXPECT_EQ(countContaining(redirected, "\"signed\":true"), 2) << joined(redirected);
    EXPECT_EQ(countContaining(redirected, "progress "), 0) << joined(redirected);
  }

  /// The DHCP server and the device's view of it, per test.
  enum class Dhcp { Dnsmasq, Kea };
  void startDhcp(Lab& lab, Dhcp kind) {
    std::string why;
    const DhcpSite site{lab.infra(), kBridge};
    const fs::path where = dir_.path() / "dhcp";
    fs::create_directories(where);
    if (kind == Dhcp::Dnsmasq) {
      dhcpLog_ = where / "dnsmasq.log";
      ASSERT_NE(startDnsmasq(lab, site, kDhcpUris, where, why), nullptr) << why;
    } else {
      dhcpLog_ = where / "kea-dhcp4.log";
      dhcp6Log_ = where / "kea-dhcp6.log";
      ASSERT_TRUE(startKea(lab, site, kDhcpUris, where, why)) << why;
    }
  }
  std::string dhcpLog() const { return testutil::readText(dhcpLog_); }
  std::string dhcp6Log() const {
    return testutil::readText(dhcp6Log_.empty() ? dhcpLog_ : dhcp6Log_);
  }

  // The scenarios, each for both DHCP servers.

  /// How each server logs a DHCPINFORM (v4) and an Information-Request (v6).
  static std::string informMarker(Dhcp kind) {
    return kind == Dhcp::Dnsmasq ? "DHCPINFORM(br0)" : "DHCPINFORM (type 8)";
  }
  static std::string informationRequestMarker(Dhcp kind) {
    return kind == Dhcp::Dnsmasq ? "DHCPINFORMATION-REQUEST(br0)" : "INFORMATION_REQUEST (type 11)";
  }

  /// A device with a static IPv4 address asks on its own (DHCPINFORM).
  void informV4(Dhcp kind) {
    Lab lab(tools_, {Lab::DeviceAddressing{}});
    ASSERT_EQ(lab.error(), "");
    ASSERT_NO_FATAL_FAILURE(startDhcp(lab, kind));
    Device device = makeDevice(lab, 1);
    Server onboarding, redirect;
    ASSERT_NO_FATAL_FAILURE(startOnboardingServer(lab, onboarding, device));
    ASSERT_NO_FATAL_FAILURE(startRedirectServer(lab, redirect));
    device.writeConfig(dhcpSources(true));
    std::string output;
    ASSERT_NO_FATAL_FAILURE(onboard(device, output)) << dhcpLog();
    expectServerLogs(onboarding, redirect, false);
    EXPECT_NE(dhcpLog().find(informMarker(kind)), std::string::npos) << dhcpLog();
    EXPECT_NE(output.find("origin=dhcpv4 eth0 (DHCPINFORM)"), std::string::npos) << output;
  }

  /// A device with no address of its own runs dhclient; the agent only
  /// reads dhclient's lease (nothing sent by the agent itself).
  void dhclientLeaseV4(Dhcp kind) {
    if (tools_.dhclient.empty()) {
      GTEST_SKIP() << "needs dhclient (isc-dhcp-client)";
    }
    Lab lab(tools_, {Lab::DeviceAddressing{.v4 = false, .v6 = true}});
    ASSERT_EQ(lab.error(), "");
    ASSERT_NO_FATAL_FAILURE(startDhcp(lab, kind));
    Device device = makeDevice(lab, 1);
    Server onboarding, redirect;
    ASSERT_NO_FATAL_FAILURE(startOnboardingServer(lab, onboarding, device));
    ASSERT_NO_FATAL_FAILURE(startRedirectServer(lab, redirect));
    std::string why;
    const fs::path client = dir_.path() / "dhclient";
    fs::create_directories(client);
    ASSERT_NE(startDhclient(lab, lab.device(1), device.root() / "leases/dhclient.eth0.leases",
                            client, why),
              nullptr)
        << why << dhcpLog();
    const std::string addresses = lab.ipOutput({"-n", lab.device(1), "-4", "addr", "show"});
    EXPECT_NE(addresses.find("inet 10.99.0.1"), std::string::npos) << addresses;  // leased
    device.writeConfig(dhcpSources(false));
    std::string output;
    ASSERT_NO_FATAL_FAILURE(onboard(device, output));
    expectServerLogs(onboarding, redirect, false);
    EXPECT_EQ(dhcpLog().find(informMarker(kind)), std::string::npos) << dhcpLog();
    EXPECT_NE(output.find("origin=dhcpv4 eth0 (dhclient lease "), std::string::npos) << output;
  }

  /// A device without IPv4: Information-Request, then IPv6 all the way.
  void v6Only(Dhcp kind) {
    Lab lab(tools_, {Lab::DeviceAddressing{.v4 = false, .v6 = true}});
    ASSERT_EQ(lab.error(), "");
    const std::string v4 = lab.ipOutput({"-n", lab.device(1), "-4", "addr", "show", "dev", "eth0"});
    ASSERT_EQ(v4.find("inet "), std::string::npos) << v4;
    ASSERT_NO_FATAL_FAILURE(startDhcp(lab, kind));
    Device device = makeDevice(lab, 1);
    Server onboarding, redirect;
    ASSERT_NO_FATAL_FAILURE(startOnboardingServer(lab, onboarding, device));
    ASSERT_NO_FATAL_FAILURE(startRedirectServer(lab, redirect));
    device.writeConfig(dhcpSources(true));
    std::string output;
    ASSERT_NO_FATAL_FAILURE(onboard(device, output)) << dhcp6Log();
    // Both servers chose by the source address: the device reached them,
    // and downloaded the image, over IPv6.
    expectServerLogs(onboarding, redirect, true);
    EXPECT_NE(dhcp6Log().find(informationRequestMarker(kind)), std::string::npos) << dhcp6Log();
    EXPECT_EQ(dhcpLog().find(informMarker(kind)), std::string::npos) << dhcpLog();
    // IPv4 was tried first (the option's order) and had no route.
    for (const char* seen :
         {"origin=dhcpv6 eth0 (Information-Request)", "(connect: Network is unreachable)",
          "redirect to [fd00:99::1]:9443", "downloading https://[fd00:99::1]:8080/os-2.img"}) {
      EXPECT_NE(output.find(seen), std::string::npos) << seen << "\n" << output;
    }
  }

  static inline testutil::TempDir* suite_ = nullptr;
  Tools tools_;
  testutil::TempDir dir_;
  fs::path dhcpLog_, dhcp6Log_;
};

// ---------------------------------------------------------------- the lab itself

TEST_F(LabTest, NamespacesHaveNoRouteOutAndAreRemovedEvenAfterACrash) {
  std::string infra, device;
  {
    Lab lab(tools_, {Lab::DeviceAddressing{}, Lab::DeviceAddressing{.v4 = false, .v6 = true}});
    ASSERT_EQ(lab.error(), "");
    infra = lab.infra();
    device = lab.device(1);
    for (const std::string& ns : {lab.infra(), lab.device(1), lab.device(2)}) {
      EXPECT_EQ(lab.ipOutput({"-n", ns, "route", "show", "default"}), "") << ns;
      EXPECT_EQ(lab.ipOutput({"-n", ns, "-6", "route", "show", "default"}), "") << ns;
    }
    // The host sees none of the lab's links.
    EXPECT_EQ(lab.ipOutput({"link", "show", kBridge}).find("state"), std::string::npos);
    EXPECT_TRUE(fs::exists("/var/run/netns/" + infra));
  }
  EXPECT_FALSE(fs::exists("/var/run/netns/" + infra));
  EXPECT_FALSE(fs::exists("/var/run/netns/" + device));

  // A namespace left by a run that died (its pid is gone) is swept by the next.
  pid_t gone = -1;
  {
    auto exited = testutil::runCommand({"/bin/sh", "-c", "echo $$"});
    gone = static_cast<pid_t>(std::stol(exited.output));
  }
  ASSERT_NE(::kill(gone, 0), 0);
  const std::string stale = std::string(kNamespacePrefix) + std::to_string(gone) + "-infra";
  ASSERT_EQ(testutil::runCommand({tools_.ip, "netns", "add", stale}).exitCode, 0);
  Lab::sweepStale(tools_.ip);
  EXPECT_FALSE(fs::exists("/var/run/netns/" + stale));
}

// ---------------------------------------------------------------- dnsmasq

TEST_F(LabTest, DnsmasqV4InformFindsTheRedirectServer) {
  informV4(Dhcp::Dnsmasq);
}
TEST_F(LabTest, DnsmasqV4DhclientLeaseFindsTheRedirectServer) {
  dhclientLeaseV4(Dhcp::Dnsmasq);
}
TEST_F(LabTest, DnsmasqV6OnlyDeviceOnboardsOverIpv6) {
  v6Only(Dhcp::Dnsmasq);
}

// ---------------------------------------------------------------- Kea

TEST_F(LabTest, KeaV4InformFindsTheRedirectServer) {
  informV4(Dhcp::Kea);
}
TEST_F(LabTest, KeaV4DhclientLeaseFindsTheRedirectServer) {
  dhclientLeaseV4(Dhcp::Kea);
}
TEST_F(LabTest, KeaV6OnlyDeviceOnboardsOverIpv6) {
  v6Only(Dhcp::Kea);
}

// ---------------------------------------------------------------- rogue DHCP

// A rogue host on the LAN runs its own dnsmasq, announcing its own
// sztp-server, whose PKI (TLS, owner, voucher signer) is not the device's.
// The device asks DHCP first and is answered only by the rogue; the rogue
// server (which trusts the real manufacturer CA, as anyone can) answers with
// data signed by its owner and a voucher from its signer. The device refuses
// it (the voucher does not chain to its voucher anchor), applies nothing of
// it, and goes on to its next source: the well-known onboarding server.
TEST_F(LabTest, RogueDhcpServerIsRefusedAndTheNextSourceOnboards) {
  Lab lab(tools_, {Lab::DeviceAddressing{}});
  ASSERT_EQ(lab.error(), "");
  std::string rogueNs;
  ASSERT_TRUE(lab.addHost("rogue", kRogueV4, kRogueV6, &rogueNs)) << lab.error();
  std::string why;
  const fs::path rogueDhcp = dir_.path() / "rogue-dhcp";
  fs::create_directories(rogueDhcp);
  const DhcpSite rogueSite{rogueNs, kDeviceInterface};
  ASSERT_NE(startDnsmasq(lab, rogueSite, {"https://" + kRogueV4 + ":8443"}, rogueDhcp, why),
            nullptr)
      << why;
  Server rogue;
  ASSERT_TRUE(rogue.start(dir_.path() / "rogue-server", pki("rogue-pki"),
                          placement(lab, rogueNs, kRogueV4, kRogueV6, "8443", "8080")))
      << rogue.log();
  Device device = makeDevice(lab, 1);
  const std::string rogueInventory =
      inventoryHead("rogue-pki") + "scripts:\n  - name: evil\n    text: |\n" +
      indentedScript("echo rogue-script >> " + device.effectsLog().string()) +
      "configurations:\n  - name: evil\n    handling: replace\n    text: \"<rogue/>\"\n"
      "onboarding-profiles:\n  - name: evil\n    pre-configuration-script: evil\n"
      "    configuration: evil\n" +
      deviceHead("rogue-pki") + "      - profile: evil\n";
  ASSERT_TRUE(rogue.apply(rogueInventory)) << rogue.log();
  Server onboarding;
  ASSERT_NO_FATAL_FAILURE(startOnboardingServer(lab, onboarding, device));
  Device::Config config = dhcpSources(true);
  config.sources = "  order: [dhcp, well-known]\n" +
                   config.sources.substr(config.sources.find('\n') + 1) +
                   "  well-known:\n    - host: " + kV4 + "\n      port: " + kOnboardingPort +
                   "\n      trust-anchor: bootstrap-ca.pem\n";
  device.writeConfig(config);
  std::string output;
  ASSERT_NO_FATAL_FAILURE(onboard(device, output)) << output;

  // The rogue was asked and answered at each boot, once for the option 143
  // and once for the 136 that named it; nothing of it was used (onboard()
  // checked the effects), and it got no report.
  const Lines rogueLog = rogue.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(rogueLog, "\"profile\":\"evil\""), 4) << joined(rogueLog);
  EXPECT_EQ(countContaining(rogueLog, "progress "), 0) << joined(rogueLog);
  EXPECT_NE(output.find("reason=voucher-signer-untrusted server=" + kRogueV4 + ":8443"),
            std::string::npos)
      << output;
  const Lines log = onboarding.stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(log, "progress bootstrap-complete"), 1) << joined(log);
  EXPECT_EQ(countContaining(log, "\"profile\":\"full\""), 2) << joined(log);
}

}  // namespace
}  // namespace sztp::lab
