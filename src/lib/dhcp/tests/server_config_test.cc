// What `sztp dhcp config` emits: exact text for one server list, the hex
// parsed back out of every form and decoded to the same URIs, and errors.
#include "dhcp/server_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "common/hex.h"
#include "dhcp/sztp_redirect_option.h"

namespace sztp::dhcp {
namespace {

const std::vector<std::string> kUris = {"https://10.1.1.3:8080", "https://[2001:db8::5]",
                                        "https://sztp.example.net:8443"};

// The option value as each daemon's snippet states it, decoded to URIs.
std::vector<std::string> urisOf(const Bytes& value) {
  auto decoded = decodeServerList(value);
  std::vector<std::string> uris;
  if (decoded) {
    for (const auto& server : decoded->servers) {
      uris.push_back(server.uri);
    }
  }
  return uris;
}

// Kea: the snippet is JSON members with // comments; wrapped in braces it parses.
Bytes keaValue(const std::string& text) {
  auto json = nlohmann::json::parse("{" + text + "}", nullptr, false, true);
  if (json.is_discarded()) {
    ADD_FAILURE() << "not JSON with comments:\n" << text;
    return {};
  }
  const auto& data = json["option-data"][0]["data"];
  auto bytes = hexDecodeLenient(data.get<std::string>());
  return bytes ? *bytes : Bytes{};
}

// dnsmasq and dhcpd: the one colon-separated hex run on a non-comment line.
Bytes colonValue(const std::string& text) {
  const std::regex run("[0-9a-f]{2}(:[0-9a-f]{2})+");
  std::istringstream lines(text);
  std::string line;
  std::vector<Bytes> found;
  while (std::getline(lines, line)) {
    std::smatch match;
    if (!line.starts_with("#") && std::regex_search(line, match, run)) {
      auto bytes = hexStringDecode(match.str());
      found.push_back(bytes ? *bytes : Bytes{});
    }
  }
  EXPECT_EQ(found.size(), 1u) << text;
  return found.empty() ? Bytes{} : found[0];
}

TEST(ServerConfig, KeaV4IsExact) {
  ServerConfigOptions options{{"https://10.1.1.3:8080"}, true, false, false};
  auto snippets = serverConfig(DhcpServer::Kea, options);
  ASSERT_TRUE(snippets) << snippets.error().describe();
  ASSERT_EQ(snippets->size(), 1u);
  EXPECT_EQ((*snippets)[0].family, IpFamily::V4);
  EXPECT_EQ((*snippets)[0].destination, "kea-dhcp4.conf, inside \"Dhcp4\"");
  EXPECT_EQ((*snippets)[0].text,
            "// DHCPv4 option 143 (sztp-redirect, RFC 8572 §8), 23 octets: each URI as a "
            "2-octet length, then the URI.\n"
            "// Written as hex on purpose: a text value lacks the length prefixes and devices "
            "ignore it.\n"
            "// Bootstrap servers, in preference order:\n"
            "//  1. https://10.1.1.3:8080\n"
            "// Kea 2.2 (Debian 12) has no definition for this option: it is defined here as\n"
            "// binary. \"csv-format\": false makes Kea send the hex octets exactly as given; "
            "if\n"
            "// your Kea says the option is already defined, drop the option-def entry.\n"
            "// Merge these members into the \"Dhcp4\" object (or a subnet's \"option-data\").\n"
            "\"option-def\": [\n"
            "  { \"name\": \"sztp-redirect\", \"code\": 143, \"space\": \"dhcp4\", \"type\": "
            "\"binary\" }\n"
            "],\n"
            "\"option-data\": [\n"
            "  { \"name\": \"sztp-redirect\", \"code\": 143, \"space\": \"dhcp4\", "
            "\"csv-format\": false,\n"
            "    \"always-send\": false,\n"
            "    \"data\": \"001568747470733a2f2f31302e312e312e333a38303830\" }\n"
            "]\n");
}

TEST(ServerConfig, DnsmasqLinesAreExact) {
  ServerConfigOptions options{{"https://10.1.1.3:8080"}, true, true, false};
  auto snippets = serverConfig(DhcpServer::Dnsmasq, options);
  ASSERT_TRUE(snippets);
  ASSERT_EQ(snippets->size(), 2u);
  const std::string hex = "00:15:68:74:74:70:73:3a:2f:2f:31:30:2e:31:2e:31:2e:33:3a:38:30:38:30";
  EXPECT_NE((*snippets)[0].text.find("\ndhcp-option=143," + hex + "\n"), std::string::npos);
  EXPECT_NE((*snippets)[1].text.find("\ndhcp-option=option6:136," + hex + "\n"), std::string::npos);
  options.alwaysSend = true;
  snippets = serverConfig(DhcpServer::Dnsmasq, options);
  ASSERT_TRUE(snippets);
  EXPECT_NE((*snippets)[0].text.find("\ndhcp-option-force=143," + hex + "\n"), std::string::npos);
}

TEST(ServerConfig, IscDhcpdDeclaresTheOptionAsOctets) {
  ServerConfigOptions options{{"https://10.1.1.3:8080"}, true, true, true};
  auto snippets = serverConfig(DhcpServer::IscDhcpd, options);
  ASSERT_TRUE(snippets);
  ASSERT_EQ(snippets->size(), 2u);
  EXPECT_EQ((*snippets)[0].destination, "dhcpd.conf");
  EXPECT_NE((*snippets)[0].text.find("\noption sztp-redirect code 143 = string;\n"
                                     "option sztp-redirect 00:15:68:"),
            std::string::npos);
  EXPECT_NE((*snippets)[0].text.find("concat(option dhcp-parameter-request-list, 8f)"),
            std::string::npos);
  EXPECT_EQ((*snippets)[1].destination, "dhcpd6.conf");
  EXPECT_NE((*snippets)[1].text.find("\noption dhcp6.sztp-redirect code 136 = string;\n"
                                     "option dhcp6.sztp-redirect 00:15:68:"),
            std::string::npos);
}

TEST(ServerConfig, EveryFormDecodesBackToTheUris) {
  for (auto server : {DhcpServer::Kea, DhcpServer::Dnsmasq, DhcpServer::IscDhcpd}) {
    for (bool alwaysSend : {false, true}) {
      auto snippets = serverConfig(server, {kUris, true, true, alwaysSend});
      ASSERT_TRUE(snippets) << dhcpServerName(server);
      ASSERT_EQ(snippets->size(), 2u);
      for (const auto& snippet : *snippets) {
        const Bytes value =
            server == DhcpServer::Kea ? keaValue(snippet.text) : colonValue(snippet.text);
        EXPECT_EQ(urisOf(value), kUris) << dhcpServerName(server) << "\n" << snippet.text;
      }
    }
  }
}

TEST(ServerConfig, FamiliesAreChosen) {
  auto v6 = serverConfig(DhcpServer::Kea, {kUris, false, true, false});
  ASSERT_TRUE(v6);
  ASSERT_EQ(v6->size(), 1u);
  EXPECT_EQ((*v6)[0].family, IpFamily::V6);
  EXPECT_NE((*v6)[0].text.find("\"code\": 136, \"space\": \"dhcp6\""), std::string::npos);
  auto none = serverConfig(DhcpServer::Kea, {kUris, false, false, false});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(ServerConfig, RefusesWhatADeviceWouldDrop) {
  EXPECT_EQ(serverConfig(DhcpServer::Kea, {{}, true, true, false}).error(), DhcpErrc::EmptyList);
  auto path = serverConfig(DhcpServer::Dnsmasq, {{"https://host/restconf"}, true, true, false});
  ASSERT_FALSE(path);
  EXPECT_EQ(path.error(), DhcpErrc::InvalidUri);
  EXPECT_EQ(serverConfig(DhcpServer::IscDhcpd, {{"http://host"}, true, true, false}).error(),
            DhcpErrc::InvalidUri);
}

TEST(ServerConfig, DnsmasqCannotSendALongDhcpv4Option) {
  std::vector<std::string> many;
  for (int i = 0; i < 7; ++i) {  // 7 x 38 = 266 octets.
    many.push_back("https://bootstrap-" + std::to_string(i) + ".example.net:8443");
  }
  auto dnsmasq = serverConfig(DhcpServer::Dnsmasq, {many, true, false, false});
  ASSERT_FALSE(dnsmasq);
  EXPECT_EQ(dnsmasq.error(), DhcpErrc::ListTooLong);
  EXPECT_NE(dnsmasq.error().detail().find("RFC 3396"), std::string::npos);
  EXPECT_TRUE(serverConfig(DhcpServer::Dnsmasq, {many, false, true, false}));
  many.push_back("https://one-more.example.net");  // 296 octets: a line of 917 characters.
  EXPECT_TRUE(serverConfig(DhcpServer::Dnsmasq, {many, false, true, true}));
  many.push_back("https://" + std::string(50, 'b') + ".example.net");  // 368 octets.
  auto line = serverConfig(DhcpServer::Dnsmasq, {many, false, true, false});
  ASSERT_FALSE(line);
  EXPECT_EQ(line.error(), DhcpErrc::ListTooLong);
  EXPECT_NE(line.error().detail().find("1024 characters"), std::string::npos);
  auto kea = serverConfig(DhcpServer::Kea, {many, true, true, false});
  ASSERT_TRUE(kea);
  EXPECT_NE((*kea)[0].text.find("several option 143 instances"), std::string::npos);
}

TEST(ServerConfig, ServerNames) {
  EXPECT_EQ(dhcpServerName(DhcpServer::Kea), "kea");
  EXPECT_EQ(dhcpServerName(DhcpServer::Dnsmasq), "dnsmasq");
  EXPECT_EQ(dhcpServerName(DhcpServer::IscDhcpd), "isc-dhcpd");
}

}  // namespace
}  // namespace sztp::dhcp
