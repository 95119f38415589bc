// DhcpInformSource against a real DHCP server (dnsmasq) on a real link:
// two network namespaces joined by a veth pair, dnsmasq in one serving
// option 143 (DHCPv4, X12) and option 136 (DHCPv6, X14) configured exactly as
// `sztp dhcp config --dnsmasq` writes it (dhcp::serverConfig), the source in
// the other on a thread that has entered that namespace (setns(2) moves only
// the calling thread). It sends a DHCPINFORM from 10.77.0.2:68 and an
// Information-Request from its link-local address to ff02::1:2, each socket
// bound to the veth; dnsmasq answers with DHCPACK and Reply.
//
// Needs root (namespaces, SO_BINDTODEVICE, ports 67/68/546/547), `ip` and
// `dnsmasq`; otherwise the test is skipped with the reason. Everything is
// removed again by RAII (process killed, namespaces deleted, which deletes
// the veth), also when an assertion fails.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "agentio/sources/source_dhcp_inform.h"
#include "agentio/sources/source_net.h"
#include "agentio/sources/tests/netns_fixture.h"
#include "dhcp/server_config.h"
#include "discovery/tests/dnsmasq_process.h"

extern char** environ;

namespace sztp::agentio {
namespace {

using nettest::findTool;
using nettest::inNamespace;
using nettest::spawn;
using nettest::VethPair;

// dnsmasq in the server namespace, DHCP only (no DNS), killed on destruction.
class NamespacedDnsmasq {
 public:
  NamespacedDnsmasq(const std::string& ipTool, const std::string& binary, const VethPair& link,
                    const std::vector<std::string>& options, std::string log)
      : log_(std::move(log)) {
    std::vector<std::string> args{ipTool,
                                  "netns",
                                  "exec",
                                  link.serverNs(),
                                  binary,
                                  "--keep-in-foreground",
                                  "--conf-file=/dev/null",
                                  "--no-resolv",
                                  "--no-hosts",
                                  "--port=0",
                                  "--user=root",
                                  "--pid-file=",
                                  "--leasefile-ro",
                                  "--log-dhcp",
                                  "--log-facility=-",
                                  "--interface=" + link.serverIf(),
                                  "--dhcp-range=10.77.0.100,10.77.0.200,255.255.255.0",
                                  "--dhcp-range=fd00:5a::100,fd00:5a::1ff,64"};
    args.insert(args.end(), options.begin(), options.end());
    // `ip netns exec` execs dnsmasq in place: the pid is dnsmasq's.
    pid_ = spawn(args, log_);
  }
  ~NamespacedDnsmasq() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  NamespacedDnsmasq(const NamespacedDnsmasq&) = delete;
  NamespacedDnsmasq& operator=(const NamespacedDnsmasq&) = delete;

  bool running() {
    int status = 0;
    if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
    }
    return pid_ > 0;
  }
  std::string log() const {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
};

TEST(DhcpInformRealServer, DnsmasqAnswersInformAndInformationRequest) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root: network namespaces, SO_BINDTODEVICE, DHCP ports";
  }
  const auto ipTool = findTool("ip");
  const auto dnsmasq = testutil::findDnsmasq();
  if (!ipTool || !dnsmasq) {
    GTEST_SKIP() << "needs `ip` (iproute2) and `dnsmasq` (dnsmasq-base)";
  }
  VethPair link(*ipTool, 'd');
  if (!link.ok()) {
    GTEST_SKIP() << "cannot create network namespaces and a veth pair here";
  }

  // The configuration the operator would paste (docs/dhcp.md), as options.
  dhcp::ServerConfigOptions options;
  options.uris = {"https://10.77.0.1:8443", "https://[fd00:5a::1]"};
  auto snippets = dhcp::serverConfig(dhcp::DhcpServer::Dnsmasq, options);
  ASSERT_TRUE(snippets.ok()) << snippets.error().describe();
  std::vector<std::string> dnsmasqOptions;
  for (const auto& snippet : *snippets) {
    std::istringstream lines(snippet.text);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line[0] != '#') {
        dnsmasqOptions.push_back("--" + line);
      }
    }
  }
  ASSERT_EQ(dnsmasqOptions.size(), 2u);
  const std::string log =
      (std::filesystem::temp_directory_path() / ("sztp-dnsmasq-" + link.serverNs() + ".log"))
          .string();
  std::filesystem::remove(log);
  NamespacedDnsmasq server(*ipTool, *dnsmasq, link, dnsmasqOptions, log);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(server.running()) << "dnsmasq exited:\n" << server.log();

  Result<std::vector<agent::SourceYield>> yields = std::vector<agent::SourceYield>{};
  std::vector<Error> problems;
  bool linkReady = false;
  const bool entered = inNamespace(link.clientNs(), [&] {
    // The veth needs carrier and the client its IPv6 link-local address.
    linkReady = nettest::waitForAddresses(link.clientIf());
    DhcpInformConfig config;  // the protocol's addresses and ports
    config.interfaces = {link.clientIf()};
    config.timeout = std::chrono::milliseconds(1000);
    config.attempts = 3;
    config.randomBytes = [](std::size_t n) { return Bytes(n, 0x3c); };
    DhcpInformSource source(config);
    yields = source.discover();
    problems = source.problems();
  });
  ASSERT_TRUE(entered) << "setns into " << link.clientNs() << " failed";
  ASSERT_TRUE(linkReady) << "veth did not come up with IPv4 and IPv6";
  ASSERT_TRUE(yields.ok()) << yields.error().describe();
  std::string why;
  for (const auto& p : problems) {
    why += p.describe() + "\n";
  }
  ASSERT_EQ(yields->size(), 2u) << why << "dnsmasq log:\n" << server.log();
  const std::vector<agent::ServerRef> expected{{"10.77.0.1", 8443, std::nullopt},
                                               {"fd00:5a::1", 443, std::nullopt}};
  EXPECT_EQ((*yields)[0].origin, "dhcpv4 " + link.clientIf() + " (DHCPINFORM)");
  EXPECT_EQ((*yields)[0].servers, expected);
  EXPECT_EQ((*yields)[1].origin, "dhcpv6 " + link.clientIf() + " (Information-Request)");
  EXPECT_EQ((*yields)[1].servers, expected);
  // dnsmasq saw both requests as what they are, asking for 143 (PRL, X12)
  // and 136 (ORO, X14), and sent the option.
  const std::string seen = server.log();
  EXPECT_NE(seen.find("DHCPINFORM("), std::string::npos) << seen;
  EXPECT_NE(seen.find("DHCPINFORMATION-REQUEST("), std::string::npos) << seen;
  EXPECT_NE(seen.find("119:domain-search, 143"), std::string::npos) << seen;
  EXPECT_NE(seen.find("24:domain-search, 136"), std::string::npos) << seen;
  EXPECT_NE(seen.find("option:143"), std::string::npos) << seen;
  EXPECT_NE(seen.find("option:136"), std::string::npos) << seen;
  std::filesystem::remove(log);
}

}  // namespace
}  // namespace sztp::agentio
