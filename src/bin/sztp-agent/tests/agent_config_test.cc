// parseAgentConfig: the sztp-agent configuration file, read from text (no
// files are opened; paths only need to look right). The whole shipped example
// is read by agent_e2e_test through `sztp-agent --check-config` as well.

#include "agent_config.h"

#include <gtest/gtest.h>

#include <string>

#include "agentio/sources/source_dns.h"
#include "common/codec_error.h"
#include "testutil/temp_dir.h"

namespace sztp::agentd {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kPath = "/etc/sztp/sztp-agent.yaml";

constexpr const char* kIdentity =
    "identity:\n"
    "  certificate: idevid.pem\n"
    "  key: idevid.key\n";

Result<AgentConfig> parseWithDns(const std::string& dnsKeys) {
  return parseAgentConfig(std::string(kIdentity) + "sources:\n  dns:\n" + dnsKeys, kPath);
}

/// The error's text, which must name `key` and its line.
std::string errorOf(const Result<AgentConfig>& result) {
  EXPECT_FALSE(result);
  if (result) {
    return {};
  }
  EXPECT_EQ(result.error().code(), CodecErrc::InvalidValue);
  return result.error().describe();
}

/// The mDNS settings of `src` are those of `expected` (a DnsConfig or a
/// SourcesConfig: the fields have the same names).
template <typename Config>
void expectSameMdns(const SourcesConfig& src, const Config& expected) {
  EXPECT_EQ(src.mdns, expected.mdns);
  EXPECT_EQ(src.mdnsTimeout, expected.mdnsTimeout);
  EXPECT_EQ(src.mdnsInterfaces, expected.mdnsInterfaces);
  EXPECT_EQ(src.mdnsV4, expected.mdnsV4);
  EXPECT_EQ(src.mdnsV6, expected.mdnsV6);
}

TEST(AgentConfig, MdnsDefaultsAreTheDnsSourcesOwn) {
  auto config = parseAgentConfig(kIdentity, kPath);
  ASSERT_TRUE(config) << config.error().describe();
  expectSameMdns(config->sources, agentio::DnsConfig{});
  EXPECT_TRUE(config->sources.mdns);
  EXPECT_EQ(config->sources.mdnsTimeout, 1s);
}

TEST(AgentConfig, MdnsKeysAreRead) {
  auto config = parseWithDns(
      "    mdns: false\n"
      "    mdns-timeout: 2500ms\n"
      "    mdns-interfaces: [eth0, eth1]\n"
      "    mdns-ipv4: false\n"
      "    mdns-ipv6: true\n");
  ASSERT_TRUE(config) << config.error().describe();
  const auto& src = config->sources;
  EXPECT_FALSE(src.mdns);
  EXPECT_EQ(src.mdnsTimeout, 2500ms);
  EXPECT_EQ(src.mdnsInterfaces, (std::vector<std::string>{"eth0", "eth1"}));
  EXPECT_FALSE(src.mdnsV4);
  EXPECT_TRUE(src.mdnsV6);

  // A lone interface is a list of one; the other dns keys are untouched.
  config = parseWithDns("    mdns-interfaces: lo\n    mdns-timeout: 3s\n");
  ASSERT_TRUE(config) << config.error().describe();
  EXPECT_EQ(config->sources.mdnsInterfaces, (std::vector<std::string>{"lo"}));
  EXPECT_EQ(config->sources.mdnsTimeout, 3s);
  EXPECT_TRUE(config->sources.mdns);
  EXPECT_EQ(config->sources.dnsPort, 53);
}

TEST(AgentConfig, BadMdnsValuesAreRefusedNamingKeyAndLine) {
  // Lines: 1-3 identity, 4 sources, 5 dns, 6 the first dns key.
  auto text = errorOf(parseWithDns("    mdns: sometimes\n"));
  EXPECT_NE(text.find("sources.dns.mdns (line 6): must be true or false"), std::string::npos)
      << text;
  EXPECT_NE(text.find(kPath.string()), std::string::npos) << text;

  text = errorOf(parseWithDns("    port: 53\n    mdns-timeout: 2\n"));
  EXPECT_NE(text.find("sources.dns.mdns-timeout (line 7)"), std::string::npos) << text;
  EXPECT_NE(text.find("the unit must be ms, s, m or h"), std::string::npos) << text;

  text = errorOf(parseWithDns("    mdns-timeout: 0s\n"));
  EXPECT_NE(text.find("sources.dns.mdns-timeout (line 6): must be more than 0"), std::string::npos)
      << text;

  text = errorOf(parseWithDns("    mdns-interfaces: {eth0: yes}\n"));
  EXPECT_NE(text.find("sources.dns.mdns-interfaces (line 6): must be a list"), std::string::npos)
      << text;

  text = errorOf(parseWithDns("    mdns-ipv4: false\n    mdns-ipv6: no\n"));
  EXPECT_NE(text.find("sources.dns.mdns-ipv6 (line 7)"), std::string::npos) << text;
  EXPECT_NE(text.find("set mdns: false"), std::string::npos) << text;
  // With mDNS off the families do not matter.
  EXPECT_TRUE(parseWithDns("    mdns: false\n    mdns-ipv4: false\n    mdns-ipv6: false\n"));
}

TEST(AgentConfig, UnknownDnsKeysAreStillRefused) {
  auto text = errorOf(parseWithDns("    mdns-port: 5353\n"));
  EXPECT_NE(text.find("sources.dns.mdns-port (line 6): unknown key"), std::string::npos) << text;
  text = errorOf(parseWithDns("    mdsn: true\n"));
  EXPECT_NE(text.find("sources.dns.mdsn (line 6): unknown key"), std::string::npos) << text;
}

// config::readConfigFile, as the agent uses it.
TEST(AgentConfig, YamlErrorsNameTheFileLineAndColumn) {
  auto text = errorOf(parseAgentConfig("identity:\n  key: [unclosed\n", kPath));
  EXPECT_NE(text.find(kPath.string() + ": yaml-cpp: error at line "), std::string::npos) << text;
  EXPECT_NE(text.find("column"), std::string::npos) << text;

  text = errorOf(parseAgentConfig("- just\n- a list\n", kPath));
  EXPECT_NE(text.find(kPath.string() + ": the file must be a YAML mapping"), std::string::npos)
      << text;
  text = errorOf(parseAgentConfig("", kPath));
  EXPECT_NE(text.find("must be a YAML mapping"), std::string::npos) << text;

  // An error from inside the file's sections carries the file too.
  text = errorOf(parseAgentConfig("state-directory: /x\n", kPath));
  EXPECT_NE(text.find(kPath.string()), std::string::npos) << text;
  EXPECT_NE(text.find("identity: is required"), std::string::npos) << text;
}

TEST(AgentConfig, TheShippedExampleReadsAndStatesTheDnsDefaults) {
  const auto text =
      testutil::readText(std::filesystem::path(SZTP_SOURCE_DIR) / "examples/agent/sztp-agent.yaml");
  auto config = parseAgentConfig(text, kPath);
  ASSERT_TRUE(config) << config.error().describe();
  // The example shows every key with its default.
  const SourcesConfig defaults;
  expectSameMdns(config->sources, defaults);
  EXPECT_EQ(config->sources.dnsPort, defaults.dnsPort);
  EXPECT_EQ(config->sources.resolvConf, defaults.resolvConf);
  for (const char* key :
       {"mdns:", "mdns-timeout:", "mdns-interfaces:", "mdns-ipv4:", "mdns-ipv6:"}) {
    EXPECT_NE(text.find(std::string("    ") + key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace sztp::agentd
