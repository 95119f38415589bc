// The network lab (issue 5), end to end: real DHCP servers (dnsmasq, Kea)
// configured from `sztp dhcp config`, real DNS servers (dnsmasq, and NSD
// serving what `sztp dns` prints) and a syslog server (rsyslogd), two real
// sztp-servers (a redirect server and an onboarding server with its file
// server) in an infrastructure namespace, the real sztp-agent in device
// namespaces joined to it by a bridge (deployment.h says how the servers
// answer). Scenarios: DHCPv4 INFORM and dhclient lease, DHCPv6-only (each
// with dnsmasq and Kea, and again for a device behind a router and DHCP
// relay), DNS SRV, DNS TXT with signed onboarding information over TCP,
// remote syslog over UDP and TCP, a rogue DHCP server, a tampered image,
// three devices at once, rogue devices, a separate deployment file server
// (nginx), removable storage.
//
// Needs root, `ip`, dnsmasq and Kea (dhclient, rsyslogd, nginx, nsd for their tests);
// skipped with the reason otherwise. Every namespace and process goes with
// the Lab (RAII), also when an assertion fails.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "lab/deployment.h"
#include "lab/services.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::lab {
namespace {

namespace fs = std::filesystem;
using agent::e2e::countContaining;
using agent::e2e::joined;

const std::string kV4(kInfraV4);
const std::string kV6(kInfraV6);
const std::string kRogueV4 = "10.99.0.66";
const std::string kRogueV6 = "fd00:99::66";

Lines linesOf(const std::string& text) {
  Lines lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
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
      std::string why;
      ASSERT_TRUE(makePki(pki(), {kV4, kV6}, {"SN-1", "SN-2", "SN-3"}, why)) << why;
      ASSERT_TRUE(makePki(pki("rogue-pki"), {kRogueV4, kRogueV6}, {"SN-1"}, why)) << why;
    }
  }

  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
  }

  static fs::path pki(const std::string& name = "pki") { return suite_->path() / name; }

  /// A deployment over `lab` in this test's directory, with devices 1..n
  /// added (SN-1..SN-n).
  std::unique_ptr<Deployment> deploy(Lab& lab, std::size_t devices = 1) {
    auto deployment = std::make_unique<Deployment>(lab, dir_.path(), pki());
    for (std::size_t k = 1; k <= devices; ++k) {
      deployment->addDevice(k);
    }
    return deployment;
  }

  /// Both servers of `deployment`, started.
  static void startServers(Deployment& deployment) {
    std::string why;
    ASSERT_TRUE(deployment.startOnboardingServer(why)) << why;
    ASSERT_TRUE(deployment.startRedirectServer(why)) << why;
  }

  static void onboard(Device& device, std::string& output) {
    std::string why;
    ASSERT_TRUE(Deployment::onboard(device, output, why)) << why;
  }

  /// For each device (serial → whether it used IPv6): the onboarding server
  /// saw its whole onboarding once, answered from the profile of its address
  /// family; the redirect server answered both boots with a signed redirect
  /// to that family's address and got no report (it was contacted
  /// provisionally, D53).
  static void expectServerLogs(Deployment& deployment, const std::map<std::string, bool>& devices) {
    std::map<std::string, Lines> onboardingLogs, redirectLogs;
    for (const auto& [serial, v6] : devices) {
      onboardingLogs[serial] = deployment.onboarding().stopAndReadDeviceLog(serial);
    }
    for (const auto& [serial, v6] : devices) {
      redirectLogs[serial] = deployment.redirect().stopAndReadDeviceLog(serial);
    }
    for (const auto& [serial, v6] : devices) {
      const Lines& log = onboardingLogs[serial];
      const std::string profile =
          (v6 ? "\"profile\":\"full-v6-" : "\"profile\":\"full-") + serial + "\"";
      EXPECT_EQ(countContaining(log, "progress bootstrap-complete"), 1) << serial << joined(log);
      EXPECT_EQ(countContaining(log, "progress boot-image-installed-rebooting"), 1)
          << serial << joined(log);
      EXPECT_EQ(countContaining(log, profile), 2) << serial << joined(log);
      const Lines& redirect = redirectLogs[serial];
      EXPECT_EQ(countContaining(redirect, "\"kind\":\"redirect-information\""), 2)
          << serial << joined(redirect);
      EXPECT_EQ(countContaining(redirect, v6 ? "\"profile\":\"to-v6\"" : "\"profile\":\"to-v4\""),
                2)
          << serial << joined(redirect);
      EXPECT_EQ(countContaining(redirect, "\"signed\":true"), 2) << serial << joined(redirect);
      EXPECT_EQ(countContaining(redirect, "progress "), 0) << serial << joined(redirect);
    }
  }

  static inline testutil::TempDir* suite_ = nullptr;
  Tools tools_;
  testutil::TempDir dir_;
};

// ---------------------------------------------------------------- DHCP, both servers

/// The DHCP server kind, and how it logs what the tests look for.
enum class Dhcp { Dnsmasq, Kea };

class DhcpLabTest : public LabTest, public ::testing::WithParamInterface<Dhcp> {
 protected:
  /// The DHCP server in the infrastructure namespace; with `relayed`, also
  /// serving the segment behind the lab's router, whose relay is started.
  void startDhcp(Lab& lab, bool relayed = false) {
    std::string why;
    DhcpSite site{lab.infra(), kBridge};
    const fs::path where = dir_.path() / "dhcp";
    fs::create_directories(where);
    if (relayed) {
      site.relayedV4Prefixes = {kSegmentV4Prefix};
      site.relayedV6Prefixes = {kSegmentV6Prefix};
      site.v6Address = kV6;
      relayLog_ = where / "dhcp-relay.log";
      ASSERT_NE(startDhcpRelay(lab, kV4, kV6, where, why), nullptr) << why;
    }
    if (GetParam() == Dhcp::Dnsmasq) {
      dhcpLog_ = where / "dnsmasq.log";
      ASSERT_NE(startDnsmasq(lab, site, redirectUris(), where, why), nullptr) << why;
    } else {
      dhcpLog_ = where / "kea-dhcp4.log";
      dhcp6Log_ = where / "kea-dhcp6.log";
      ASSERT_TRUE(startKea(lab, site, redirectUris(), where, why)) << why;
    }
  }
  std::string dhcpLog() const { return testutil::readText(dhcpLog_); }
  std::string relayLog() const { return testutil::readText(relayLog_); }
  std::string dhcp6Log() const {
    return testutil::readText(dhcp6Log_.empty() ? dhcpLog_ : dhcp6Log_);
  }
  /// In a lab whose device sits behind the router: the DHCP server serving
  /// its segment through the relay, both sztp-servers, and the device asking
  /// DHCP on its own (INFORM, Information-Request) until it onboarded.
  void onboardAskingThroughTheRelay(Lab& lab, std::unique_ptr<Deployment>& deployment,
                                    std::string& output) {
    ASSERT_NO_FATAL_FAILURE(startDhcp(lab, true));
    deployment = deploy(lab);
    ASSERT_NO_FATAL_FAILURE(startServers(*deployment));
    Device& device = deployment->device(0);
    device.writeConfig(Deployment::dhcpSources(true));
    ASSERT_NO_FATAL_FAILURE(onboard(device, output)) << dhcpLog() << dhcp6Log() << relayLog();
  }

  /// How the server logs a DHCPINFORM (v4) and an Information-Request (v6).
  std::string informMarker() const {
    return GetParam() == Dhcp::Dnsmasq ? "DHCPINFORM(br0)" : "DHCPINFORM (type 8)";
  }
  std::string informationRequestMarker() const {
    return GetParam() == Dhcp::Dnsmasq ? "DHCPINFORMATION-REQUEST(br0)"
                                       : "INFORMATION_REQUEST (type 11)";
  }

  fs::path dhcpLog_, dhcp6Log_, relayLog_;
};

INSTANTIATE_TEST_SUITE_P(Servers, DhcpLabTest, ::testing::Values(Dhcp::Dnsmasq, Dhcp::Kea),
                         [](const auto& param) {
                           return param.param == Dhcp::Dnsmasq ? "Dnsmasq" : "Kea";
                         });

// A device with a static IPv4 address asks on its own (DHCPINFORM).
TEST_P(DhcpLabTest, V4InformFindsTheRedirectServer) {
  Lab lab(tools_, {Lab::DeviceAddressing{}});
  ASSERT_EQ(lab.error(), "");
  ASSERT_NO_FATAL_FAILURE(startDhcp(lab));
  auto deployment = deploy(lab);
  ASSERT_NO_FATAL_FAILURE(startServers(*deployment));
  Device& device = deployment->device(0);
  device.writeConfig(Deployment::dhcpSources(true));
  std::string output;
  ASSERT_NO_FATAL_FAILURE(onboard(device, output)) << dhcpLog();
  expectServerLogs(*deployment, {{"SN-1", false}});
  EXPECT_NE(dhcpLog().find(informMarker()), std::string::npos) << dhcpLog();
  EXPECT_NE(output.find("origin=dhcpv4 eth0 (DHCPINFORM)"), std::string::npos) << output;
}

// A device with no address of its own runs dhclient; the agent only reads
// dhclient's lease (nothing sent by the agent itself).
TEST_P(DhcpLabTest, V4DhclientLeaseFindsTheRedirectServer) {
  if (tools_.dhclient.empty()) {
    GTEST_SKIP() << "needs dhclient (isc-dhcp-client)";
  }
  Lab lab(tools_, {Lab::DeviceAddressing{.v4 = false, .v6 = true}});
  ASSERT_EQ(lab.error(), "");
  ASSERT_NO_FATAL_FAILURE(startDhcp(lab));
  auto deployment = deploy(lab);
  ASSERT_NO_FATAL_FAILURE(startServers(*deployment));
  Device& device = deployment->device(0);
  std::string why;
  const fs::path client = dir_.path() / "dhclient";
  fs::create_directories(client);
  ASSERT_NE(
      startDhclient(lab, lab.device(1), device.root() / "leases/dhclient.eth0.leases", client, why),
      nullptr)
      << why << dhcpLog();
  const std::string addresses = lab.ipOutput({"-n", lab.device(1), "-4", "addr", "show"});
  EXPECT_NE(addresses.find("inet 10.99.0.1"), std::string::npos) << addresses;  // leased
  device.writeConfig(Deployment::dhcpSources(false));
  std::string output;
  ASSERT_NO_FATAL_FAILURE(onboard(device, output));
  expectServerLogs(*deployment, {{"SN-1", false}});
  EXPECT_EQ(dhcpLog().find(informMarker()), std::string::npos) << dhcpLog();
  EXPECT_NE(output.find("origin=dhcpv4 eth0 (dhclient lease "), std::string::npos) << output;
}

// A device without IPv4: Information-Request, then IPv6 all the way.
TEST_P(DhcpLabTest, V6OnlyDeviceOnboardsOverIpv6) {
  Lab lab(tools_, {Lab::DeviceAddressing{.v4 = false, .v6 = true}});
  ASSERT_EQ(lab.error(), "");
  const std::string v4 = lab.ipOutput({"-n", lab.device(1), "-4", "addr", "show", "dev", "eth0"});
  ASSERT_EQ(v4.find("inet "), std::string::npos) << v4;
  ASSERT_NO_FATAL_FAILURE(startDhcp(lab));
  auto deployment = deploy(lab);
  ASSERT_NO_FATAL_FAILURE(startServers(*deployment));
  Device& device = deployment->device(0);
  device.writeConfig(Deployment::dhcpSources(true));
  std::string output;
  ASSERT_NO_FATAL_FAILURE(onboard(device, output)) << dhcp6Log();
  // Both servers chose by the source address: the device reached them, and
  // downloaded the image, over IPv6.
  expectServerLogs(*deployment, {{"SN-1", true}});
  EXPECT_NE(dhcp6Log().find(informationRequestMarker()), std::string::npos) << dhcp6Log();
  EXPECT_EQ(dhcpLog().find(informMarker()), std::string::npos) << dhcpLog();
  // IPv4 was tried first (the option's order) and had no route.
  for (const char* seen :
       {"origin=dhcpv6 eth0 (Information-Request)", "(connect: Network is unreachable)",
        "redirect to [fd00:99::1]:9443", "downloading https://[fd00:99::1]:8080/os-2.img"}) {
    EXPECT_NE(output.find(seen), std::string::npos) << seen << "\n" << output;
  }
}

// ---------------------------------------------------------------- DHCP relay

// The device sits on another segment than the DHCP server, behind the lab's
// router (Lab::addSegment), which runs a DHCP relay (dnsmasq --dhcp-relay):
// the seed's "DHCP relay agent: needed only when device and DHCP server are
// located on different network segments". dhclient's broadcasts reach the
// server only relayed (giaddr 10.98.0.1); the server picks the segment's
// subnet by it and leases an address there, with the router and option 143.
// The agent reads the lease and onboards through the router.
TEST_P(DhcpLabTest, DhclientLeaseThroughARelayFindsTheRedirectServer) {
  if (tools_.dhclient.empty()) {
    GTEST_SKIP() << "needs dhclient (isc-dhcp-client)";
  }
  Lab lab(tools_, {});
  ASSERT_TRUE(lab.addSegment({Lab::DeviceAddressing{.v4 = false, .v6 = false}})) << lab.error();
  ASSERT_NO_FATAL_FAILURE(startDhcp(lab, true));
  auto deployment = deploy(lab);
  ASSERT_NO_FATAL_FAILURE(startServers(*deployment));
  Device& device = deployment->device(0);
  std::string why;
  const fs::path client = dir_.path() / "dhclient";
  fs::create_directories(client);
  ASSERT_NE(startDhclient(lab, lab.device(1), device.root() / "leases/dhclient.eth0.leases", client,
                          true, why),
            nullptr)
      << why << dhcpLog() << relayLog();
  // An address of the segment's pool, and the relay as the router.
  const std::string addresses = lab.ipOutput({"-n", lab.device(1), "-4", "addr", "show"});
  EXPECT_TRUE(std::regex_search(addresses, std::regex(R"(inet 10\.98\.0\.(1\d\d|200)/24)")))
      << addresses;
  EXPECT_EQ(lab.ipOutput({"-n", lab.device(1), "route", "show", "default"}),
            "default via 10.98.0.1 dev eth0 \n");
  device.writeConfig(Deployment::dhcpSources(false));
  std::string output;
  ASSERT_NO_FATAL_FAILURE(onboard(device, output));
  expectServerLogs(*deployment, {{"SN-1", false}});
  EXPECT_NE(relayLog().find("DHCP relay at 10.98.0.1 -> 10.99.0.1"), std::string::npos)
      << relayLog();
  EXPECT_NE(output.find("origin=dhcpv4 eth0 (dhclient lease "), std::string::npos) << output;
}

// A device with a static address behind the relay asks on its own: its
// DHCPINFORM broadcast is relayed like any request, and the answer comes
// back through the relay.
TEST_P(DhcpLabTest, V4InformThroughARelayFindsTheRedirectServer) {
  Lab lab(tools_, {});
  ASSERT_TRUE(lab.addSegment({Lab::DeviceAddressing{.v4 = true, .v6 = false}})) << lab.error();
  std::unique_ptr<Deployment> deployment;
  std::string output;
  ASSERT_NO_FATAL_FAILURE(onboardAskingThroughTheRelay(lab, deployment, output));
  expectServerLogs(*deployment, {{"SN-1", false}});
  EXPECT_NE(dhcpLog().find(informMarker()), std::string::npos) << dhcpLog();
  EXPECT_NE(relayLog().find("DHCP relay at 10.98.0.1 -> 10.99.0.1"), std::string::npos)
      << relayLog();
  EXPECT_NE(output.find("origin=dhcpv4 eth0 (DHCPINFORM)"), std::string::npos) << output;
}

// IPv6 through the relay: the device's Information-Request goes to the
// server in a Relay-Forward (link-address fd00:98::1, the server's subnet
// for it chosen by that), the Reply comes back in a Relay-Reply; then
// redirect, onboarding and image over IPv6 through the router.
TEST_P(DhcpLabTest, V6OnlyDeviceBehindARelayOnboards) {
  Lab lab(tools_, {});
  ASSERT_TRUE(lab.addSegment({Lab::DeviceAddressing{.v4 = false, .v6 = true}})) << lab.error();
  std::unique_ptr<Deployment> deployment;
  std::string output;
  ASSERT_NO_FATAL_FAILURE(onboardAskingThroughTheRelay(lab, deployment, output));
  expectServerLogs(*deployment, {{"SN-1", true}});
  EXPECT_NE(dhcp6Log().find(informationRequestMarker()), std::string::npos) << dhcp6Log();
  EXPECT_NE(relayLog().find("DHCP relay at fd00:98::1 -> fd00:99::1"), std::string::npos)
      << relayLog();
  for (const char* seen :
       {"origin=dhcpv6 eth0 (Information-Request)", "redirect to [fd00:99::1]:9443",
        "downloading https://[fd00:99::1]:8080/os-2.img"}) {
    EXPECT_NE(output.find(seen), std::string::npos) << seen << "\n" << output;
  }
}

// ---------------------------------------------------------------- the lab itself

// The lab with its second segment: the only default routes are the segment
// devices', via the router, which has none and no link but the lab's; every
// link of every namespace is the loopback, a lab bridge, or a veth whose peer
// is in a lab namespace; only the router forwards. So an address outside the
// lab is unreachable from everywhere (TEST-NET-1 and the documentation
// prefix stand for the world).
TEST_F(LabTest, NamespacesHaveNoRouteOutAndAreRemovedEvenAfterACrash) {
  std::string infra, device, router, behind;
  {
    Lab lab(tools_, {Lab::DeviceAddressing{}, Lab::DeviceAddressing{.v4 = false, .v6 = true}});
    ASSERT_EQ(lab.error(), "");
    ASSERT_TRUE(lab.addSegment({Lab::DeviceAddressing{}})) << lab.error();
    infra = lab.infra();
    device = lab.device(1);
    router = lab.router();
    behind = lab.device(3);
    ASSERT_TRUE(lab.onSegment(3));
    ASSERT_FALSE(lab.onSegment(2));
    for (const std::string& ns : {lab.infra(), lab.device(1), lab.device(2), lab.router()}) {
      EXPECT_EQ(lab.ipOutput({"-n", ns, "route", "show", "default"}), "") << ns;
      EXPECT_EQ(lab.ipOutput({"-n", ns, "-6", "route", "show", "default"}), "") << ns;
    }
    EXPECT_EQ(lab.ipOutput({"-n", behind, "route", "show", "default"}),
              "default via 10.98.0.1 dev eth0 \n");
    EXPECT_NE(lab.ipOutput({"-n", behind, "-6", "route", "show", "default"})
                  .find("default via fd00:98::1 dev eth0"),
              std::string::npos);
    const std::string labPrefix = lab.infra().substr(0, lab.infra().size() - 5);  // "infra"
    for (const std::string& ns :
         {lab.infra(), lab.device(1), lab.device(2), lab.router(), lab.device(3)}) {
      for (const auto& link : linesOf(lab.ipOutput({"-n", ns, "-o", "link", "show"}))) {
        const bool own = link.find(": lo: ") != std::string::npos ||
                         link.find(": br0: ") != std::string::npos ||
                         link.find(": br1: ") != std::string::npos ||
                         link.find("link-netns " + labPrefix) != std::string::npos;
        EXPECT_TRUE(own) << ns << ": " << link;
      }
      const std::string forwarding = testutil::runCommand({tools_.ip, "netns", "exec", ns, "sysctl",
                                                           "-n", "net.ipv4.ip_forward"})
                                         .output;
      EXPECT_EQ(forwarding, ns == lab.router() ? "1\n" : "0\n") << ns;
      const std::string v4 = lab.ipOutput({"-n", ns, "route", "get", "192.0.2.1"});
      const std::string v6 = lab.ipOutput({"-n", ns, "-6", "route", "get", "2001:db8::1"});
      if (ns == lab.device(3)) {
        // Only as far as the router, which has no route for it.
        EXPECT_NE(v4.find("via 10.98.0.1 dev eth0"), std::string::npos) << v4;
        EXPECT_NE(v6.find("via fd00:98::1 dev eth0"), std::string::npos) << v6;
      } else {
        EXPECT_NE(v4.find("unreachable"), std::string::npos) << ns << ": " << v4;
        EXPECT_NE(v6.find("unreachable"), std::string::npos) << ns << ": " << v6;
      }
    }
    // The host sees none of the lab's links.
    EXPECT_EQ(lab.ipOutput({"link", "show", kBridge}).find("state"), std::string::npos);
    EXPECT_EQ(lab.ipOutput({"link", "show", kSegmentBridge}).find("state"), std::string::npos);
    EXPECT_TRUE(fs::exists("/var/run/netns/" + infra));
  }
  for (const std::string& ns : {infra, device, router, behind}) {
    EXPECT_FALSE(fs::exists("/var/run/netns/" + ns)) << ns;
  }

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
  auto deployment = deploy(lab);
  Device& device = deployment->device(0);
  const std::string rogueInventory =
      Deployment::inventoryHead(pki(), pki("rogue-pki")) +
      "scripts:\n  - name: evil\n    text: |\n      #!/bin/sh\n      echo rogue-script >> " +
      device.effectsLog().string() +
      "\nconfigurations:\n  - name: evil\n    handling: replace\n    text: \"<rogue/>\"\n"
      "onboarding-profiles:\n  - name: evil\n    pre-configuration-script: evil\n"
      "    configuration: evil\ndevices:\n" +
      Deployment::deviceEntry("SN-1", pki("rogue-pki")) + "      - profile: evil\n";
  ASSERT_TRUE(rogue.apply(rogueInventory)) << rogue.log();
  ASSERT_TRUE(deployment->startOnboardingServer(why)) << why;
  Device::Config config = Deployment::dhcpSources(true);
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
  const Lines log = deployment->onboarding().stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(log, "progress bootstrap-complete"), 1) << joined(log);
  EXPECT_EQ(countContaining(log, "\"profile\":\"full-SN-1\""), 2) << joined(log);
}

// ---------------------------------------------------------------- DNS

// DNS discovery: the device's resolv.conf (the lab's, which `ip netns exec`
// mounts over /etc/resolv.conf) names the lab's DNS server and domain. The
// agent's DNS source, given no name server or domain of its own, asks that
// server for <serial>._sztp.sztp.lab TXT (none: NXDOMAIN), then for the SRV
// _sztp._tcp.sztp.lab, which names the redirect server; the same resolver
// gives its addresses. No TXT record carries bootstrapping data here:
// dnsmasq cannot publish binary TXT values (they hold NUL octets); the next
// test serves them with NSD.
TEST_F(LabTest, DnsSrvRecordFindsTheRedirectServer) {
  Lab lab(tools_, {Lab::DeviceAddressing{}});
  ASSERT_EQ(lab.error(), "");
  ASSERT_TRUE(lab.setEtcFile(lab.device(1), "resolv.conf",
                             "nameserver " + kV4 + "\nsearch " + kDomain + "\n"))
      << lab.error();
  std::string why;
  const std::string name = kRedirectName;
  Child* dns = startDnsServer(
      lab, lab.infra(), {kV4, kV6}, kDomain,
      {"--srv-host=_sztp._tcp." + std::string(kDomain) + "," + name + "," + kRedirectPort,
       "--host-record=" + name + "," + kV4 + "," + kV6},
      dir_.path(), why);
  ASSERT_NE(dns, nullptr) << why;
  auto deployment = deploy(lab);
  ASSERT_NO_FATAL_FAILURE(startServers(*deployment));
  Device& device = deployment->device(0);
  device.writeConfig(agent::e2e::withSources("  order: [dns]\n  dns:\n    mdns: false\n"));
  std::string output;
  ASSERT_NO_FATAL_FAILURE(onboard(device, output)) << dns->log();
  // The resolver's order (glibc's RFC 3484 table prefers IPv6, ULAs too):
  // the device reached the redirect server at its AAAA address.
  expectServerLogs(*deployment, {{"SN-1", true}});
  const std::string queries = dns->log();
  for (const std::string seen : {"query[TXT] SN-1._sztp.sztp.lab from 10.99.0.11",
                                 "query[SRV] _sztp._tcp.sztp.lab from 10.99.0.11",
                                 "query[AAAA] bootstrap.sztp.lab from 10.99.0.11"}) {
    EXPECT_NE(queries.find(seen), std::string::npos) << seen << "\n" << queries;
  }
  EXPECT_NE(output.find("dns SRV _sztp._tcp.sztp.lab"), std::string::npos) << output;
}

// DNS as the only source, served by a real authoritative server (NSD): the
// zone holds what `sztp dns srv` and `sztp dns txt` print. The device-specific
// TXT (X6) carries signed onboarding information — conveyed information,
// owner certificate and voucher, several kilobytes split over many
// character-strings — so the device bootstraps from it without any server
// (X4: the SRV is never needed). Too large for a 512-octet UDP answer, it
// arrives over TCP after a truncated UDP answer (X10), as NSD's counters show.
TEST_F(LabTest, DnsTxtRecordFromNsdCarriesSignedOnboardingInformation) {
  if (findNsd().empty()) {
    GTEST_SKIP() << "needs nsd (nsd)";
  }
  Lab lab(tools_, {Lab::DeviceAddressing{}, Lab::DeviceAddressing{}});
  ASSERT_EQ(lab.error(), "");
  for (std::size_t k : {1u, 2u}) {
    ASSERT_TRUE(lab.setEtcFile(lab.device(k), "resolv.conf",
                               "nameserver " + kV4 + "\nsearch " + kDomain + "\n"))
        << lab.error();
  }
  auto deployment = deploy(lab, 2);
  Device& device = deployment->device(0);
  const std::string log = device.effectsLog().string();
  const fs::path bundle = dir_.path() / "dns-bundle";
  std::string why;
  ASSERT_TRUE(deployment->writeBundle(
      bundle, "SN-1",
      "onboarding-information:\n"
      "  pre-configuration-script: {text: \"#!/bin/sh\\necho pre-script >> " +
          log +
          "\\n\"}\n"
          "  configuration-handling: merge\n"
          "  configuration: {text: \"<config/>\"}\n",
      why))
      << why;
  const fs::path data = bundle / "SN-1/bootstrapping-data";
  std::string records;
  ASSERT_TRUE(sztpDnsRecords({"srv", "--domain", kDomain, "--uri",
                              "https://" + std::string(kRedirectName) + ":" + kRedirectPort,
                              "--address", kV4, "--address", kV6},
                             records, why))
      << why;
  ASSERT_TRUE(sztpDnsRecords({"txt", "--serial", "SN-1", "--domain", kDomain, "--conveyed-info",
                              (data / "conveyed-information.cms").string(), "--owner-cert",
                              (data / "owner-certificate.cms").string(), "--voucher",
                              (data / "ownership-voucher.vcj").string()},
                             records, why))
      << why;
  ASSERT_GT(records.size(), 1024u) << records;
  // SN-2's record: the same kind of onboarding information, unsigned.
  const fs::path unsignedInfo = dir_.path() / "unsigned.cms";
  const fs::path yaml = bundle / "SN-1-onboarding.yaml";
  const auto made =
      testutil::runCommand({testutil::binaryPath("sztp"), "conveyed-info", "create", "--unsigned",
                            "--description", yaml.string(), "-o", unsignedInfo.string()});
  ASSERT_EQ(made.exitCode, 0) << made.output;
  ASSERT_TRUE(sztpDnsRecords(
      {"txt", "--serial", "SN-2", "--domain", kDomain, "--conveyed-info", unsignedInfo.string()},
      records, why))
      << why;
  const fs::path where = dir_.path() / "nsd";
  Child* dns = startAuthoritativeDns(lab, lab.infra(), {kV4, kV6}, kDomain, records, where, why);
  ASSERT_NE(dns, nullptr) << why;
  device.writeConfig(agent::e2e::withSources("  order: [dns]\n  dns:\n    mdns: false\n"));
  std::string output;
  ASSERT_TRUE(Deployment::boot(device, "completed", output, why)) << why << dns->log();
  EXPECT_EQ(device.effects(), (Lines{"pre-script", "apply-merge <config/>"}))
      << joined(device.effects()) << output;
  EXPECT_NE(output.find("dns TXT SN-1._sztp.sztp.lab"), std::string::npos) << output;
  EXPECT_EQ(output.find("dns SRV"), std::string::npos) << output;
  const std::string statistics = authoritativeDnsStatistics(where);
  const std::regex tcp(R"(num\.tcp6?=([1-9][0-9]*))");
  EXPECT_TRUE(std::regex_search(statistics, tcp)) << statistics;

  // §4.2: DNS is untrusted; unsigned onboarding information from it is
  // refused and nothing is applied. The device goes on to the SRV (X4),
  // whose redirect server is not running here, and fails.
  Device& unsignedDevice = deployment->device(1);
  unsignedDevice.writeConfig(agent::e2e::withSources("  order: [dns]\n  dns:\n    mdns: false\n"));
  const auto run = unsignedDevice.runAgent({}, 60);
  const auto status = unsignedDevice.status();
  EXPECT_EQ(status.state, "failed") << status.json << run.output;
  EXPECT_NE(run.output.find("dns TXT SN-2._sztp.sztp.lab"), std::string::npos) << run.output;
  EXPECT_TRUE(unsignedDevice.effects().empty()) << joined(unsignedDevice.effects());
  EXPECT_NE(status.json.find("unsigned-onboarding-untrusted-source"), std::string::npos)
      << status.json << run.output;
}

// ---------------------------------------------------------------- syslog

// The agent's remote syslog: rsyslogd in the infrastructure namespace on UDP
// and TCP 514. The first boot sends over UDP (RFC 5426), the second, after
// the configuration changed, over TCP (octet counting, RFC 6587); rsyslog
// writes each message as received, so the RFC 5424 header is checked as the
// agent sent it: version 1, the device's host name, the event id as MSGID,
// the fields as structured data.
TEST_F(LabTest, AgentEventsReachRsyslogOverUdpAndTcp) {
  if (tools_.rsyslogd.empty()) {
    GTEST_SKIP() << "needs rsyslogd (rsyslog)";
  }
  Lab lab(tools_, {Lab::DeviceAddressing{}});
  ASSERT_EQ(lab.error(), "");
  std::string why;
  const fs::path received = dir_.path() / "received.log";
  ASSERT_NE(startSyslogServer(lab, lab.infra(), kV4, "514", received, dir_.path(), why), nullptr)
      << why;
  auto deployment = deploy(lab);
  ASSERT_TRUE(deployment->startOnboardingServer(why)) << why;
  Device& device = deployment->device(0);
  device.setAgentPrefix(lab.in(lab.device(1), "dpu-sn-1"));
  Device::Config config = Deployment::wellKnownSources();
  config.logging = "  syslog-server: udp://" + kV4 + ":514\n";
  device.writeConfig(config);
  std::string output;
  ASSERT_TRUE(Deployment::boot(device, "awaiting-reboot", output, why)) << why;
  config.logging = "  syslog-server: tcp://" + kV4 + ":514\n";
  device.writeConfig(config);
  ASSERT_TRUE(Deployment::boot(device, "completed", output, why)) << why;

  // rsyslog writes asynchronously; the last event is the completion.
  Lines lines;
  for (int i = 0; i < 100; ++i) {
    lines = linesOf(testutil::readText(received));
    if (countContaining(lines, " SZTP-A0024 ") > 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // "<PRI>1 TIMESTAMP HOSTNAME sztp-agent PROCID MSGID [SD]"
  const std::regex header(R"(^(imudp|imtcp) <\d+>1 \S+ dpu-sn-1 sztp-agent \d+ SZTP-A\d{4} .*)");
  int udp = 0, tcp = 0;
  for (const auto& line : lines) {
    EXPECT_TRUE(std::regex_match(line, header)) << line;
    (line.rfind("imudp ", 0) == 0 ? udp : tcp) += 1;
  }
  EXPECT_GT(udp, 5) << joined(lines);
  EXPECT_GT(tcp, 5) << joined(lines);
  for (const auto& [transport, event] :
       {std::pair<std::string, std::string>{"imudp", "SZTP-A0022"},  // reboot requested
        {"imtcp", "SZTP-A0023"},                                     // resumed after it
        {"imtcp", "SZTP-A0024"}}) {                                  // completed
    int seen = 0;
    for (const auto& line : lines) {
      seen += line.rfind(transport, 0) == 0 && line.find(" " + event + " ") != std::string::npos;
    }
    EXPECT_EQ(seen, 1) << transport << " " << event << "\n" << joined(lines);
  }
}

// ---------------------------------------------------------------- tampered image

// The file server's image is altered after the onboarding information (with
// the image's SHA-256) was made: one byte flipped, the size unchanged. The
// device downloads it, finds the hash wrong while the file streams, deletes
// it and installs nothing; the server hears boot-image-error, and `ztp
// status` says the cycle failed and why.
TEST_F(LabTest, TamperedImageIsRejectedAndReportedAsBootImageError) {
  Lab lab(tools_, {Lab::DeviceAddressing{}});
  ASSERT_EQ(lab.error(), "");
  auto deployment = deploy(lab);
  std::string why;
  ASSERT_TRUE(deployment->startOnboardingServer(why)) << why;
  std::string image = testutil::readText(deployment->imageFile());
  ASSERT_EQ(image.size(), 64u * 1024);
  image[image.size() / 2] ^= 0x01;
  {
    std::ofstream out(deployment->imageFile(), std::ios::binary | std::ios::trunc);
    out << image;
  }
  Device& device = deployment->device(0);
  device.writeConfig(Deployment::wellKnownSources());
  const auto run = device.runAgent({}, 90);
  const auto status = device.status();
  EXPECT_EQ(status.state, "failed") << status.json << run.output;
  // Every download URI (the image's own, then the file server's base URLs)
  // served the altered file.
  EXPECT_EQ(status.reason, "boot-image-download-failed") << status.json;
  EXPECT_NE(status.json.find("download-hash-mismatch"), std::string::npos) << status.json;
  EXPECT_TRUE(device.effects().empty()) << joined(device.effects());
  EXPECT_FALSE(fs::exists(device.root() / "installed.img"));
  EXPECT_NE(run.output.find("download-hash-mismatch"), std::string::npos) << run.output;
  const Lines log = deployment->onboarding().stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(log, "progress boot-image-error"), 1) << joined(log);
  EXPECT_EQ(countContaining(log, "progress boot-image-installed-rebooting"), 0) << joined(log);
  EXPECT_EQ(countContaining(log, "progress bootstrap-complete"), 0) << joined(log);
}

// ---------------------------------------------------------------- several devices

// Three devices, each with its own serial number, IDevID and voucher, boot
// at the same time on one LAN: two dual-stack, one with IPv6 only. Each asks
// DHCP on its own, is redirected, and onboards; the servers keep each
// device's log apart.
TEST_F(LabTest, ThreeDevicesOnboardAtOnce) {
  Lab lab(tools_, {Lab::DeviceAddressing{}, Lab::DeviceAddressing{.v4 = false, .v6 = true},
                   Lab::DeviceAddressing{}});
  ASSERT_EQ(lab.error(), "");
  std::string why;
  const fs::path where = dir_.path() / "dhcp";
  fs::create_directories(where);
  Child* dhcp = startDnsmasq(lab, DhcpSite{lab.infra(), kBridge}, redirectUris(), where, why);
  ASSERT_NE(dhcp, nullptr) << why;
  auto deployment = deploy(lab, 3);
  ASSERT_NO_FATAL_FAILURE(startServers(*deployment));
  struct Run {
    std::string output, why;
    bool ok = false;
  };
  std::vector<Run> runs(3);
  std::vector<std::thread> boots;
  for (std::size_t i = 0; i < 3; ++i) {
    Device& device = deployment->device(i);
    device.writeConfig(Deployment::dhcpSources(true));
    boots.emplace_back(
        [&device, &run = runs[i]] { run.ok = Deployment::onboard(device, run.output, run.why); });
  }
  for (auto& boot : boots) {
    boot.join();
  }
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(runs[i].ok) << serialOf(i + 1) << ": " << runs[i].why << dhcp->log();
    EXPECT_NE(runs[i].output.find("origin=dhcpv"), std::string::npos) << runs[i].output;
  }
  expectServerLogs(*deployment, {{"SN-1", false}, {"SN-2", true}, {"SN-3", false}});
}

// ---------------------------------------------------------------- rogue devices

// Two devices the onboarding server must refuse, both configured with it as
// their well-known server: one whose IDevID (serial SN-1, a registered
// serial) was issued by another manufacturer CA, and one with a genuine
// IDevID whose serial SN-3 is not in the inventory. Neither gets anything;
// the server's log and the devices' `ztp status` say why.
TEST_F(LabTest, RogueDevicesAreRefusedAndTheServerSaysWhy) {
  Lab lab(tools_, {Lab::DeviceAddressing{}, Lab::DeviceAddressing{}});
  ASSERT_EQ(lab.error(), "");
  auto deployment = deploy(lab);  // registers SN-1
  std::string why;
  ASSERT_TRUE(deployment->startOnboardingServer(why)) << why;
  Device forged(dir_.path() / "forged", pki(), "SN-1");
  for (const char* file : {"idevid.pem", "idevid.key"}) {
    const std::string kind = std::string(file) == "idevid.pem" ? ".crt" : ".key";
    fs::copy_file(pki("rogue-pki") / ("manufacturer/idevid/SN-1" + kind), forged.root() / file,
                  fs::copy_options::overwrite_existing);
  }
  forged.setAgentPrefix(lab.in(lab.device(1)));
  Device unregistered(dir_.path() / "unregistered", pki(), "SN-3");
  unregistered.setAgentPrefix(lab.in(lab.device(2)));
  for (Device* device : {&forged, &unregistered}) {
    device->writeConfig(Deployment::wellKnownSources());
    const auto run = device->runAgent({}, 60);
    const auto status = device->status();
    // The server authenticated itself (a trusted well-known server), so the
    // device shows its refusal as it came: HTTP 401, access-denied.
    EXPECT_EQ(status.state, "failed") << status.json << run.output;
    EXPECT_EQ(status.reason, "server-http-error") << status.json;
    EXPECT_NE(status.json.find("HTTP 401; error-tag access-denied"), std::string::npos)
        << status.json;
    EXPECT_TRUE(device->effects().empty()) << joined(device->effects());
  }
  // The operator's view: why each was refused, by the address it came from.
  const std::string serverLog = deployment->onboarding().log();
  EXPECT_NE(serverLog.find("device SN-1 [10.99.0.11] rejected client-cert-untrusted"),
            std::string::npos)
      << serverLog;
  EXPECT_NE(serverLog.find("401 device-unknown (claimed serial \"SN-3\""), std::string::npos)
      << serverLog;
  // The registered serial's log records the forged attempt, and nothing was
  // answered to it.
  const Lines log = deployment->onboarding().stopAndReadDeviceLog("SN-1");
  EXPECT_EQ(countContaining(log, "rejected client-cert-untrusted"), 1) << joined(log);
  EXPECT_EQ(countContaining(log, "response "), 0) << joined(log);
}

// ---------------------------------------------------------------- deployment file server

// The seed's deployment file server, separate from the bootstrap servers
// ("for scalability should be separate"): nginx with a certificate of its
// own from the lab's TLS CA (files.sztp.lab and the infrastructure
// addresses), asking for the device's IDevID. The onboarding information
// lists its URI first, the co-located file server's second. The device
// authenticates it (its file-server trust anchor is the TLS CA: without a
// valid certificate for 10.99.0.1 the download fails), presents its IDevID,
// downloads the image from it and onboards; nginx's access log has the GET
// with the device's certificate subject, and the co-located server was not
// asked. A client without a certificate is refused.
TEST_F(LabTest, SeparateFileServerServesTheBootImage) {
  if (tools_.nginx.empty()) {
    GTEST_SKIP() << "needs nginx";
  }
  Lab lab(tools_, {Lab::DeviceAddressing{}});
  ASSERT_EQ(lab.error(), "");
  auto deployment = deploy(lab);
  std::string why;
  ASSERT_TRUE(deployment->startFileServer(why)) << why;
  ASSERT_NO_FATAL_FAILURE(startServers(*deployment));
  Device& device = deployment->device(0);
  Device::Config config = Deployment::urlSources(deployment->redirectUrl());
  config.onboarding = "  file-server-trust-anchors: [" + (pki() / "tls/ca.crt").string() + "]\n";
  device.writeConfig(config);
  std::string output;
  ASSERT_NO_FATAL_FAILURE(onboard(device, output))
      << testutil::readText(deployment->fileServerAccessLog());
  expectServerLogs(*deployment, {{"SN-1", false}});
  EXPECT_NE(output.find("downloading https://10.99.0.1:8444/os-2.img"), std::string::npos)
      << output;
  EXPECT_EQ(output.find("downloading https://10.99.0.1:8080/"), std::string::npos) << output;
  const Lines access = linesOf(testutil::readText(deployment->fileServerAccessLog()));
  ASSERT_EQ(access.size(), 1u) << joined(access);
  EXPECT_EQ(access[0].rfind("10.99.0.11 \"GET /os-2.img HTTP/1.1\" 200 65536 \"", 0), 0u)
      << access[0];
  EXPECT_NE(access[0].find("serialNumber=SN-1"), std::string::npos) << access[0];
  // Without a client certificate: refused.
  const auto anonymous =
      testutil::runCommand({tools_.ip, "netns", "exec", lab.device(1), "curl", "-sS", "-o",
                            "/dev/null", "-w", "%{http_code}", "--cacert",
                            (pki() / "tls/ca.crt").string(), "https://10.99.0.1:8444/os-2.img"});
  EXPECT_EQ(anonymous.output, "400") << anonymous.output;
}

// ---------------------------------------------------------------- removable storage

// A device whose only source is removable storage: a signed bundle in
// <mount>/SN-1/bootstrapping-data/ (scripts and a configuration, no boot
// image, which would need a download), and no server anywhere on its LAN.
// It trusts the bundle through its voucher alone and completes.
TEST_F(LabTest, RemovableStorageBundleOnboardsWithoutAnyServer) {
  Lab lab(tools_, {Lab::DeviceAddressing{}});
  ASSERT_EQ(lab.error(), "");
  auto deployment = deploy(lab);
  Device& device = deployment->device(0);
  const fs::path mount = dir_.path() / "media/usb0";
  const std::string log = device.effectsLog().string();
  std::string why;
  ASSERT_TRUE(deployment->writeBundle(
      mount, "SN-1",
      "onboarding-information:\n"
      "  pre-configuration-script: {text: \"#!/bin/sh\\necho pre-script >> " +
          log +
          "\\n\"}\n"
          "  configuration-handling: merge\n"
          "  configuration: {text: \"<config/>\"}\n"
          "  post-configuration-script: {text: \"#!/bin/sh\\necho post-script >> " +
          log + "\\n\"}\n",
      why))
      << why;
  device.writeConfig(
      agent::e2e::withSources("  order: [removable-storage]\n"
                              "  removable-storage: [" +
                              (dir_.path() / "media").string() + ", " + mount.string() + "]\n"));
  std::string output;
  ASSERT_TRUE(Deployment::boot(device, "completed", output, why)) << why;
  EXPECT_EQ(device.effects(), (Lines{"pre-script", "apply-merge <config/>", "post-script"}))
      << joined(device.effects()) << output;
  // Signed data from an untrusted source, accepted through the voucher.
  EXPECT_NE(output.find(mount.string() + "/SN-1/bootstrapping-data"), std::string::npos) << output;
  EXPECT_EQ(output.find("SZTP-A0020"), std::string::npos) << output;  // no report sent
}

}  // namespace
}  // namespace sztp::lab
