// DHCPv6 option 136 in an options area: X15 (singleton) and malformed areas.
#include <gtest/gtest.h>

#include "dhcp/sztp_redirect_option.h"
#include "test_bytes.h"

namespace sztp::dhcp {
namespace {

using testing::concat;
using testing::entry;
using testing::hex;

// OPTION_CLIENTID (1) with a 4-octet DUID stub and OPTION_ORO (6) asking for 136.
Bytes clientId() {
  return hex("00 01 00 04 DE AD BE EF");
}
Bytes oro() {
  return hex("00 06 00 02 00 88");
}

Bytes option136(ByteView value) {
  auto option = encodeDhcpv6Option(value);
  return option ? *option : Bytes{};
}

TEST(Dhcpv6Find, FindsTheOptionAmongOthers) {
  const Bytes value = entry("https://[2001:db8::1]:8443");
  const Bytes area = concat({clientId(), option136(value), oro()});
  auto found = findDhcpv6Option(kDhcpv6OptionCode, area);
  ASSERT_TRUE(found) << found.error().describe();
  EXPECT_EQ(*found, value);
  auto decoded = decodeServerList(*found);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->servers[0].host, "2001:db8::1");
  EXPECT_EQ(decoded->servers[0].port, 8443);
}

TEST(Dhcpv6Find, ZeroLengthOptionIsFoundEmpty) {
  auto found = findDhcpv6Option(kDhcpv6OptionCode, concat({clientId(), hex("00 88 00 00")}));
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->empty());
}

TEST(Dhcpv6Find, DuplicateIsRefused) {
  const Bytes area = concat(
      {option136(entry("https://a.example")), clientId(), option136(entry("https://b.example"))});
  auto found = findDhcpv6Option(kDhcpv6OptionCode, area);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code(), DhcpErrc::DuplicateOption);
  EXPECT_EQ(found.error().detail(), "option 136 appears at offsets 0 and 31");
  EXPECT_EQ(found.error().reason(), "dhcp-duplicate-option");
}

TEST(Dhcpv6Find, AbsentOption) {
  auto found = findDhcpv6Option(kDhcpv6OptionCode, concat({clientId(), oro()}));
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code(), DhcpErrc::OptionAbsent);
  EXPECT_EQ(found.error().detail(), "no option 136 among 2 options");
  EXPECT_EQ(findDhcpv6Option(kDhcpv6OptionCode, {}).error().code(), DhcpErrc::OptionAbsent);
}

TEST(Dhcpv6Find, TruncatedHeader) {
  auto found = findDhcpv6Option(kDhcpv6OptionCode, concat({clientId(), hex("00 88 00")}));
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code(), DhcpErrc::TruncatedOption);
  EXPECT_EQ(found.error().detail(), "3 octets at offset 8 cannot form an option header (4 octets)");
}

TEST(Dhcpv6Find, TruncatedValue) {
  Bytes area = concat({clientId(), option136(entry("https://a.example"))});
  area.pop_back();
  auto found = findDhcpv6Option(kDhcpv6OptionCode, area);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code(), DhcpErrc::TruncatedOption);
  EXPECT_EQ(found.error().detail(),
            "option 136 at offset 8: length 19 runs past the end (18 octets left)");
}

TEST(Dhcpv6Find, MalformedAreaWinsOverAnEarlierMatch) {
  const Bytes area = concat({option136(entry("https://a.example")), hex("00 01 00 09 00")});
  auto found = findDhcpv6Option(kDhcpv6OptionCode, area);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code(), DhcpErrc::TruncatedOption);
}

}  // namespace
}  // namespace sztp::dhcp
