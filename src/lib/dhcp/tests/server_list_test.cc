// bootstrap-server-list encoding (RFC 8572 §8) with the checklist's wire
// vectors, X12 handling of invalid URIs, and the framing mistakes operators make.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dhcp/sztp_redirect_option.h"
#include "test_bytes.h"

namespace sztp::dhcp {
namespace {

using testing::concat;
using testing::entry;
using testing::hex;

constexpr std::string_view kExampleUri = "https://10.1.1.3:8080";
// "https://10.1.1.3:8080", 21 octets.
constexpr std::string_view kExampleHex =
    "68 74 74 70 73 3A 2F 2F 31 30 2E 31 2E 31 2E 33 3A 38 30 38 30";

TEST(ServerList, ChecklistDhcpv4VectorBothDirections) {
  const Bytes wire = concat({hex("8F 17 00 15"), hex(kExampleHex)});
  ASSERT_EQ(wire.size(), 25u);

  auto value = encodeServerList({std::string(kExampleUri)});
  ASSERT_TRUE(value) << value.error().describe();
  EXPECT_EQ(*value, concat({hex("00 15"), hex(kExampleHex)}));
  EXPECT_EQ(encodeDhcpv4Option(*value), wire);

  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, wire);
  ASSERT_TRUE(joined) << joined.error().describe();
  auto decoded = decodeServerList(*joined);
  ASSERT_TRUE(decoded) << decoded.error().describe();
  ASSERT_EQ(decoded->servers.size(), 1u);
  EXPECT_EQ(decoded->servers[0], (BootstrapServerUri{std::string(kExampleUri), "10.1.1.3", 8080}));
  EXPECT_TRUE(decoded->rejected.empty());
}

TEST(ServerList, ChecklistDhcpv6VectorBothDirections) {
  const Bytes wire = concat({hex("00 88 00 17 00 15"), hex(kExampleHex)});

  auto value = encodeServerList({std::string(kExampleUri)});
  ASSERT_TRUE(value);
  auto option = encodeDhcpv6Option(*value);
  ASSERT_TRUE(option);
  EXPECT_EQ(*option, wire);

  auto found = findDhcpv6Option(kDhcpv6OptionCode, wire);
  ASSERT_TRUE(found) << found.error().describe();
  auto decoded = decodeServerList(*found);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->servers.size(), 1u);
  EXPECT_EQ(decoded->servers[0].host, "10.1.1.3");
  EXPECT_EQ(decoded->servers[0].port, 8080);
}

TEST(ServerList, ThreeUrisKeepTheirOrder) {
  const std::vector<std::string> uris{"https://ztp1.example.com", "https://[2001:db8::10]:8443",
                                      "https://192.0.2.7:9443"};
  auto value = encodeServerList(uris);
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, concat({entry(uris[0]), entry(uris[1]), entry(uris[2])}));

  auto decoded = decodeServerList(*value);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->servers.size(), 3u);
  EXPECT_EQ(decoded->servers[0], (BootstrapServerUri{uris[0], "ztp1.example.com", 443}));
  EXPECT_EQ(decoded->servers[1], (BootstrapServerUri{uris[1], "2001:db8::10", 8443}));
  EXPECT_EQ(decoded->servers[2], (BootstrapServerUri{uris[2], "192.0.2.7", 9443}));
}

TEST(ServerList, HostNamesDecode) {
  auto decoded =
      decodeServerList(concat({entry("https://ZTP.Example.net."), entry("https://sztp")}));
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->servers.size(), 2u);
  EXPECT_EQ(decoded->servers[0].host, "ZTP.Example.net");
  EXPECT_EQ(decoded->servers[0].uri, "https://ZTP.Example.net.");
  EXPECT_EQ(decoded->servers[1].host, "sztp");
  EXPECT_EQ(decoded->servers[1].port, 443);
}

TEST(ServerList, InvalidUrisAreDroppedWithReasons) {
  // X12: ignore invalid URIs, keep the valid ones in order.
  const Bytes value = concat({entry("http://10.1.1.3"), entry("https://a.example/restconf"),
                              entry(""), entry("https://b.example:8443"), entry("https://x\x01")});
  auto decoded = decodeServerList(value);
  ASSERT_TRUE(decoded) << decoded.error().describe();
  ASSERT_EQ(decoded->servers.size(), 1u);
  EXPECT_EQ(decoded->servers[0].host, "b.example");
  ASSERT_EQ(decoded->rejected.size(), 4u);
  EXPECT_EQ(decoded->rejected[0],
            (RejectedUri{"http://10.1.1.3", "scheme is 'http', must be https"}));
  EXPECT_EQ(decoded->rejected[1].uri, "https://a.example/restconf");
  EXPECT_NE(decoded->rejected[1].reason.find("has a path '/restconf'"), std::string::npos);
  EXPECT_EQ(decoded->rejected[2], (RejectedUri{"", "is empty (uri-length 0)"}));
  EXPECT_EQ(decoded->rejected[3].uri, "https://x\\x01");
  EXPECT_NE(decoded->rejected[3].reason.find("control octet \\x01"), std::string::npos);
}

TEST(ServerList, LongRejectedUriIsShortenedForPrinting) {
  const std::string uri = "https://ztp.example.com/" + std::string(3000, 'p');
  auto decoded = decodeServerList(concat({entry(uri), entry("https://ok.example")}));
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->rejected.size(), 1u);
  EXPECT_LT(decoded->rejected[0].uri.size(), 300u);
  EXPECT_NE(decoded->rejected[0].uri.find("(3024 octets)"), std::string::npos);
}

TEST(ServerList, NothingValidDiscardsTheOption) {
  auto decoded = decodeServerList(concat({entry("http://a.example"), entry("")}));
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code(), DhcpErrc::NoValidUri);
  EXPECT_EQ(decoded.error().detail(),
            "2 URIs rejected: 'http://a.example' scheme is 'http', must be https; '' is empty "
            "(uri-length 0)");
}

TEST(ServerList, NothingValidSummarisesManyRejections) {
  Bytes value;
  for (int i = 0; i < 10; ++i) {
    const Bytes one = entry("http://h" + std::to_string(i));
    value.insert(value.end(), one.begin(), one.end());
  }
  auto decoded = decodeServerList(value);
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().detail().find("10 URIs rejected"), std::string::npos);
  EXPECT_NE(decoded.error().detail().find("and 6 more"), std::string::npos);
}

TEST(ServerList, EmptyValue) {
  auto decoded = decodeServerList({});
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code(), DhcpErrc::EmptyList);
}

TEST(ServerList, PlainTextMistakeExplainsTheFraming) {
  // Option 143 configured as a text string: "ht" reads as uri-length 0x6874.
  auto decoded = decodeServerList(asBytes(kExampleUri));
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code(), DhcpErrc::TruncatedList);
  EXPECT_EQ(decoded.error().detail(),
            "uri-length 26740 at offset 0 runs past the end of the list (19 octets follow); the "
            "option looks like plain text; RFC 8572 requires each URI to be prefixed by a "
            "2-octet length");

  // The same mistake seen through a whole DHCPv4 option.
  const Bytes wire = concat({hex("8F 15"), hex(kExampleHex)});
  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, wire);
  ASSERT_TRUE(joined);
  auto viaOption = decodeServerList(*joined);
  ASSERT_FALSE(viaOption);
  EXPECT_EQ(viaOption.error().code(), DhcpErrc::TruncatedList);
  EXPECT_NE(viaOption.error().detail().find("looks like plain text"), std::string::npos);
  EXPECT_NE(viaOption.error().describe().find("dhcp-truncated-list"), std::string::npos);
}

TEST(ServerList, UpperCasePlainTextIsRecognisedToo) {
  auto decoded = decodeServerList(asBytes("HTTPS://ZTP.EXAMPLE.COM"));
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().detail().find("looks like plain text"), std::string::npos);
}

TEST(ServerList, OneOctetLengthMistakeExplainsTheFraming) {
  auto decoded = decodeServerList(concat({hex("15"), hex(kExampleHex)}));
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code(), DhcpErrc::TruncatedList);
  EXPECT_NE(decoded.error().detail().find("uri-length 5480 at offset 0"), std::string::npos);
  EXPECT_NE(decoded.error().detail().find("looks like a URI with a 1-octet length prefix; RFC "
                                          "8572 requires each URI to be prefixed by a 2-octet "
                                          "length"),
            std::string::npos);
}

TEST(ServerList, PlainTextAfterAGoodEntryIsFlaggedAtItsOffset) {
  auto decoded = decodeServerList(concat({entry("https://a.example"), asBytes("https://b")}));
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().detail().find("at offset 19"), std::string::npos);
  EXPECT_NE(decoded.error().detail().find("looks like plain text"), std::string::npos);
}

TEST(ServerList, TrailingOctetIsATruncatedList) {
  auto decoded = decodeServerList(concat({entry("https://a.example"), hex("00")}));
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code(), DhcpErrc::TruncatedList);
  EXPECT_EQ(decoded.error().detail(), "1 octet at offset 19 cannot form a uri-length");
}

TEST(ServerList, LengthOneShortIsATruncatedList) {
  Bytes value = entry("https://a.example");
  value.pop_back();
  auto decoded = decodeServerList(value);
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code(), DhcpErrc::TruncatedList);
  EXPECT_EQ(decoded.error().detail(),
            "uri-length 17 at offset 0 runs past the end of the list (16 octets follow)");
}

TEST(ServerListEncode, RefusesInvalidUrisNamingThem) {
  auto value = encodeServerList({"https://ok.example", "https://bad.example/restconf"});
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().code(), DhcpErrc::InvalidUri);
  EXPECT_EQ(value.error().detail(),
            "server 2 of 2: URI 'https://bad.example/restconf': has a path '/restconf'; the "
            "device appends the RESTCONF path itself");
}

TEST(ServerListEncode, RefusesAnEmptyList) {
  auto value = encodeServerList({});
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().code(), DhcpErrc::EmptyList);
}

TEST(ServerListEncode, RefusesAListOver65535Octets) {
  // Four 60-octet labels make a 251-octet URI; 262 entries of 253 octets exceed 65535.
  const std::string label(60, 'a');
  std::string uri = "https://";
  uri.append(label).append(".").append(label).append(".").append(label).append(".").append(label);
  std::vector<std::string> uris(262, uri);
  auto value = encodeServerList(uris);
  ASSERT_FALSE(value);
  EXPECT_EQ(value.error().code(), DhcpErrc::ListTooLong);
  uris.resize(251);
  EXPECT_TRUE(encodeServerList(uris));
}

TEST(Dhcpv6OptionEncode, RefusesAValueOver65535Octets) {
  auto option = encodeDhcpv6Option(Bytes(65536, 0));
  ASSERT_FALSE(option);
  EXPECT_EQ(option.error().code(), DhcpErrc::ListTooLong);
  auto largest = encodeDhcpv6Option(Bytes(65535, 0));
  ASSERT_TRUE(largest);
  EXPECT_EQ(largest->size(), 65539u);
  EXPECT_EQ((*largest)[2], 0xff);
  EXPECT_EQ((*largest)[3], 0xff);
}

}  // namespace
}  // namespace sztp::dhcp
