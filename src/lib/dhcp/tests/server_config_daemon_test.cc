// The real counterparts: each emitted snippet, wrapped in a minimal complete
// configuration, must pass the daemon's own configuration check
// (kea-dhcp4/6 -t, dnsmasq --test, dhcpd -t [-6]). Debian packages
// kea-dhcp4-server, kea-dhcp6-server, dnsmasq-base, isc-dhcp-server
// (scripts/install-deps.sh). Negative controls show each checker does refuse
// a broken value, so a pass means something.
#include <gtest/gtest.h>

#include <filesystem>

#include "dhcp/dhcp_error.h"
#include "dhcp/server_config.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::dhcp {
namespace {

const std::vector<std::string> kUris = {"https://10.1.1.3:8080", "https://[2001:db8::5]",
                                        "https://sztp.example.net:8443"};

// Daemons live in /usr/sbin, which is not on every user's PATH.
std::string daemon(const std::string& name) {
  const std::string sbin = "/usr/sbin/" + name;
  if (std::filesystem::exists(sbin)) {
    return sbin;
  }
  return testutil::haveProgram(name) ? name : std::string();
}

std::string keaConfig(IpFamily family, const std::string& snippet) {
  const std::string object = family == IpFamily::V4 ? "Dhcp4" : "Dhcp6";
  return "{ \"" + object + "\": {\n" + snippet +
         ",\n\"interfaces-config\": { \"interfaces\": [] },\n"
         "\"lease-database\": { \"type\": \"memfile\", \"persist\": false }\n} }\n";
}

testutil::CommandResult check(DhcpServer server, IpFamily family, const std::string& config,
                              const testutil::TempDir& dir) {
  const auto file = dir.write("server.conf", config);
  switch (server) {
    case DhcpServer::Kea:
      return testutil::runCommand(
          {daemon(family == IpFamily::V4 ? "kea-dhcp4" : "kea-dhcp6"), "-t", file.string()});
    case DhcpServer::Dnsmasq:
      return testutil::runCommand({daemon("dnsmasq"), "--test", "-C", file.string()});
    case DhcpServer::IscDhcpd:
      if (family == IpFamily::V4) {
        return testutil::runCommand({daemon("dhcpd"), "-t", "-cf", file.string()});
      }
      return testutil::runCommand({daemon("dhcpd"), "-6", "-t", "-cf", file.string()});
  }
  return {};
}

std::string wrap(DhcpServer server, const ServerConfigSnippet& snippet) {
  return server == DhcpServer::Kea ? keaConfig(snippet.family, snippet.text) : snippet.text;
}

void requireDaemons(DhcpServer server) {
  const std::vector<std::string> needed =
      server == DhcpServer::Kea       ? std::vector<std::string>{"kea-dhcp4", "kea-dhcp6"}
      : server == DhcpServer::Dnsmasq ? std::vector<std::string>{"dnsmasq"}
                                      : std::vector<std::string>{"dhcpd"};
  for (const auto& name : needed) {
    if (daemon(name).empty()) {
      GTEST_SKIP() << name << " is not installed (scripts/install-deps.sh)";
    }
  }
}

class DaemonCheck : public ::testing::TestWithParam<DhcpServer> {};

TEST_P(DaemonCheck, AcceptsEverySnippet) {
  requireDaemons(GetParam());
  if (IsSkipped()) {
    return;
  }
  testutil::TempDir dir;
  for (bool alwaysSend : {false, true}) {
    auto snippets = serverConfig(GetParam(), {kUris, true, true, alwaysSend});
    ASSERT_TRUE(snippets) << snippets.error().describe();
    ASSERT_EQ(snippets->size(), 2u);
    for (const auto& snippet : *snippets) {
      const std::string config = wrap(GetParam(), snippet);
      auto result = check(GetParam(), snippet.family, config, dir);
      EXPECT_EQ(result.exitCode, 0) << dhcpServerName(GetParam()) << " refused:\n"
                                    << config << "\n---\n"
                                    << result.output;
    }
  }
}

// dnsmasq is not here: `dnsmasq --test` accepts any option value; its
// negative controls are the length limits below.
class DaemonRefusal : public ::testing::TestWithParam<DhcpServer> {};

TEST_P(DaemonRefusal, RefusesABrokenValue) {
  requireDaemons(GetParam());
  if (IsSkipped()) {
    return;
  }
  testutil::TempDir dir;
  auto snippets = serverConfig(GetParam(), {kUris, true, true, false});
  ASSERT_TRUE(snippets);
  for (const auto& snippet : *snippets) {
    // Break the hex: a checker that accepts this proves nothing by accepting ours.
    std::string broken = snippet.text;
    const auto at = broken.find(GetParam() == DhcpServer::Kea ? "\"data\": \"00" : " 00:");
    ASSERT_NE(at, std::string::npos) << broken;
    broken.replace(broken.find("00", at), 2, "zz");
    auto result =
        check(GetParam(), snippet.family, wrap(GetParam(), {snippet.family, "", broken}), dir);
    EXPECT_NE(result.exitCode, 0) << dhcpServerName(GetParam()) << " accepted:\n" << broken;
  }
}

std::string serverName(const ::testing::TestParamInfo<DhcpServer>& param) {
  std::string name(dhcpServerName(param.param));
  std::erase(name, '-');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Servers, DaemonCheck,
                         ::testing::Values(DhcpServer::Kea, DhcpServer::Dnsmasq,
                                           DhcpServer::IscDhcpd),
                         serverName);
INSTANTIATE_TEST_SUITE_P(Servers, DaemonRefusal,
                         ::testing::Values(DhcpServer::Kea, DhcpServer::IscDhcpd), serverName);

// Our refusal matches the daemon's: dnsmasq itself rejects a DHCPv4 option
// value over 255 octets.
TEST(DaemonCheckDnsmasq, LongDhcpv4OptionIsRefusedByDnsmasqToo) {
  requireDaemons(DhcpServer::Dnsmasq);
  if (IsSkipped()) {
    return;
  }
  std::vector<std::string> many;
  for (int i = 0; i < 7; ++i) {  // 266 octets.
    many.push_back("https://bootstrap-" + std::to_string(i) + ".example.net:8443");
  }
  EXPECT_FALSE(serverConfig(DhcpServer::Dnsmasq, {many, true, false, false}));
  auto v6 = serverConfig(DhcpServer::Dnsmasq, {many, false, true, false});
  ASSERT_TRUE(v6);
  std::string v4 = (*v6)[0].text;
  v4.replace(v4.find("option6:136,"), 12, "143,");
  testutil::TempDir dir;
  EXPECT_NE(check(DhcpServer::Dnsmasq, IpFamily::V4, v4, dir).exitCode, 0);
  EXPECT_EQ(check(DhcpServer::Dnsmasq, IpFamily::V6, (*v6)[0].text, dir).exitCode, 0);
}

// The longest DHCPv6 list we emit for dnsmasq is read whole; one octet more
// than the line limit allows is what dnsmasq refuses.
TEST(DaemonCheckDnsmasq, LineLimitMatchesDnsmasq) {
  requireDaemons(DhcpServer::Dnsmasq);
  if (IsSkipped()) {
    return;
  }
  // Four URIs of 70 octets (280), then one that grows a character at a time.
  auto urisOf = [](std::size_t tail) {
    std::vector<std::string> uris;
    for (char c : {'a', 'b', 'c', 'd'}) {
      uris.push_back("https://" + std::string(60, c));
    }
    uris.push_back("https://" + std::string(tail, 'e'));
    return uris;
  };
  testutil::TempDir dir;
  std::size_t longest = 0;
  for (std::size_t n = 1; n < 63; ++n) {
    auto snippets = serverConfig(DhcpServer::Dnsmasq, {urisOf(n), false, true, true});
    if (!snippets) {
      EXPECT_EQ(snippets.error(), DhcpErrc::ListTooLong);
      break;
    }
    longest = n;
    EXPECT_EQ(check(DhcpServer::Dnsmasq, IpFamily::V6, (*snippets)[0].text, dir).exitCode, 0) << n;
  }
  ASSERT_GT(longest, 1u);
  ASSERT_LT(longest, 62u);
  // Force the next size past our check: dnsmasq must refuse it.
  auto snippets = serverConfig(DhcpServer::Dnsmasq, {urisOf(longest), false, true, true});
  ASSERT_TRUE(snippets);
  std::string text = (*snippets)[0].text;
  text.insert(text.rfind('\n'), ":41");
  EXPECT_NE(check(DhcpServer::Dnsmasq, IpFamily::V6, text, dir).exitCode, 0);
}

}  // namespace
}  // namespace sztp::dhcp
