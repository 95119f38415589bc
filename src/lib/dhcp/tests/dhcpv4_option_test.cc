// DHCPv4 option 143: X13 (split only when needed) and the RFC 3396 join that
// X12 requires, across the options, file and sname fields.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dhcp/sztp_redirect_option.h"
#include "test_bytes.h"

namespace sztp::dhcp {
namespace {

using testing::concat;
using testing::hex;

// A URI of exactly `size` octets: "https://" and a host of 63-octet labels.
std::string uriOfSize(std::size_t size) {
  std::string host;
  std::size_t left = size - 8;
  char letter = 'a';
  while (left > 0) {
    if (!host.empty()) {
      host += '.';
      --left;
    }
    const std::size_t label = std::min<std::size_t>(63, left);
    host += std::string(label, letter++);
    left -= label;
  }
  return "https://" + host;
}

Bytes pattern(std::size_t size, std::uint8_t first) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<std::uint8_t>(first + i);
  }
  return out;
}

TEST(Dhcpv4Option, SixHundredOctetsSplitIntoThreeInstancesAndJoinBack) {
  const std::vector<std::string> uris{uriOfSize(198), uriOfSize(198), uriOfSize(198)};
  auto value = encodeServerList(uris);
  ASSERT_TRUE(value) << value.error().describe();
  ASSERT_EQ(value->size(), 600u);

  const Bytes wire = encodeDhcpv4Option(*value);
  ASSERT_EQ(wire.size(), 606u);
  EXPECT_EQ(wire[0], kDhcpv4OptionCode);
  EXPECT_EQ(wire[1], 255);
  EXPECT_EQ(wire[257], kDhcpv4OptionCode);
  EXPECT_EQ(wire[258], 255);
  EXPECT_EQ(wire[514], kDhcpv4OptionCode);
  EXPECT_EQ(wire[515], 90);

  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, wire);
  ASSERT_TRUE(joined) << joined.error().describe();
  EXPECT_EQ(*joined, *value);
  auto decoded = decodeServerList(*joined);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->servers.size(), 3u);
  EXPECT_EQ(decoded->servers[2].uri, uris[2]);
}

TEST(Dhcpv4Option, TwoHundredFiftyFiveOctetsAreNotSplit) {
  auto value = encodeServerList({uriOfSize(253)});
  ASSERT_TRUE(value) << value.error().describe();
  ASSERT_EQ(value->size(), 255u);
  const Bytes wire = encodeDhcpv4Option(*value);
  ASSERT_EQ(wire.size(), 257u);
  EXPECT_EQ(wire[0], kDhcpv4OptionCode);
  EXPECT_EQ(wire[1], 255);
  EXPECT_EQ(*joinDhcpv4Option(kDhcpv4OptionCode, wire), *value);
}

TEST(Dhcpv4Option, TwoHundredFiftySixOctetsSplitAsFullAsPossible) {
  const Bytes value = pattern(256, 0);
  const Bytes wire = encodeDhcpv4Option(value);
  ASSERT_EQ(wire.size(), 260u);
  EXPECT_EQ(wire[1], 255);
  EXPECT_EQ(wire[257], kDhcpv4OptionCode);
  EXPECT_EQ(wire[258], 1);
  EXPECT_EQ(*joinDhcpv4Option(kDhcpv4OptionCode, wire), value);
}

TEST(Dhcpv4Option, EmptyValueIsOneZeroLengthOption) {
  EXPECT_EQ(encodeDhcpv4Option({}), hex("8F 00"));
  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, hex("8F 00"));
  ASSERT_TRUE(joined);
  EXPECT_TRUE(joined->empty());
  EXPECT_EQ(decodeServerList(*joined).error().code(), DhcpErrc::EmptyList);
}

TEST(Dhcpv4Join, InstancesAmongOtherOptionsAreConcatenatedInOrder) {
  // Subnet mask, 143 part 1, router, 143 part 2, End.
  const Bytes options =
      hex("01 04 FF FF FF 00  8F 02 00 05  03 04 0A 00 00 01  8F 03 61 62 63  FF");
  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, options);
  ASSERT_TRUE(joined);
  EXPECT_EQ(*joined, hex("00 05 61 62 63"));
}

TEST(Dhcpv4Join, OverloadBothJoinsOptionsThenFileThenSname) {
  const Bytes part1 = pattern(3, 0x10);
  const Bytes part2 = pattern(4, 0x20);
  const Bytes part3 = pattern(5, 0x30);
  // Option 52 after the first instance: its position in the field does not matter.
  const Bytes options = concat({hex("35 01 05 8F 03"), part1, hex("34 01 03 FF")});
  Bytes file = concat({hex("00 00 8F 04"), part2, hex("FF 8F 01 EE")});
  file.resize(128, 0);
  Bytes sname = concat({hex("8F 05"), part3, hex("FF")});
  sname.resize(64, 0);

  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, options, file, sname);
  ASSERT_TRUE(joined) << joined.error().describe();
  EXPECT_EQ(*joined, concat({part1, part2, part3}));
}

TEST(Dhcpv4Join, OverloadSelectsTheFields) {
  const Bytes file = hex("8F 01 BB FF");
  const Bytes sname = hex("8F 01 CC FF");
  const Bytes base = hex("8F 01 AA");
  EXPECT_EQ(*joinDhcpv4Option(kDhcpv4OptionCode, concat({base, hex("34 01 01")}), file, sname),
            hex("AA BB"));
  EXPECT_EQ(*joinDhcpv4Option(kDhcpv4OptionCode, concat({base, hex("34 01 02")}), file, sname),
            hex("AA CC"));
  EXPECT_EQ(*joinDhcpv4Option(kDhcpv4OptionCode, concat({base, hex("34 01 03")}), file, sname),
            hex("AA BB CC"));
  // Without option 52, file and sname hold a boot file and server name, not options.
  EXPECT_EQ(*joinDhcpv4Option(kDhcpv4OptionCode, base, file, sname), hex("AA"));
}

TEST(Dhcpv4Join, OptionOnlyInTheOverloadedFileIsFound) {
  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, hex("34 01 01 FF"), hex("8F 02 00 00 FF"));
  ASSERT_TRUE(joined);
  EXPECT_EQ(*joined, hex("00 00"));
}

TEST(Dhcpv4Join, InvalidOverloadIsMalformed) {
  for (const char* overload : {"34 01 00", "34 01 04", "34 02 01 01", "34 00"}) {
    auto joined = joinDhcpv4Option(kDhcpv4OptionCode, concat({hex("8F 01 AA"), hex(overload)}));
    ASSERT_FALSE(joined) << overload;
    EXPECT_EQ(joined.error().code(), DhcpErrc::TruncatedOption) << overload;
    EXPECT_NE(joined.error().detail().find("option 52 (overload)"), std::string::npos);
  }
}

TEST(Dhcpv4Join, PadIsSkippedAndEndStopsTheField) {
  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, hex("00 00 8F 02 61 62 00 FF 8F 02 63 64"));
  ASSERT_TRUE(joined);
  EXPECT_EQ(*joined, hex("61 62"));
  // After End, even a malformed tail is not read.
  auto tail = joinDhcpv4Option(kDhcpv4OptionCode, hex("8F 01 61 FF 8F 09"));
  ASSERT_TRUE(tail);
  EXPECT_EQ(*tail, hex("61"));
}

TEST(Dhcpv4Join, FieldWithoutEndIsAccepted) {
  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, hex("8F 01 61 00 00"));
  ASSERT_TRUE(joined);
  EXPECT_EQ(*joined, hex("61"));
}

TEST(Dhcpv4Join, MissingLengthOctetIsTruncated) {
  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, hex("01 04 FF FF FF 00 8F"));
  ASSERT_FALSE(joined);
  EXPECT_EQ(joined.error().code(), DhcpErrc::TruncatedOption);
  EXPECT_EQ(joined.error().detail(),
            "option 143 at offset 6 of the options field has no length octet");
}

TEST(Dhcpv4Join, ValueRunningPastTheEndIsTruncated) {
  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, hex("35 01 05 8F 0A 00 15 68"));
  ASSERT_FALSE(joined);
  EXPECT_EQ(joined.error().code(), DhcpErrc::TruncatedOption);
  EXPECT_EQ(joined.error().detail(),
            "option 143 at offset 3 of the options field: length 10 runs past the end (3 octets "
            "left)");
}

TEST(Dhcpv4Join, TruncationInAnotherOptionIsReportedToo) {
  // The area is malformed whichever option is cut; what follows cannot be trusted.
  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, hex("8F 01 61 0C 05 68 6F"));
  ASSERT_FALSE(joined);
  EXPECT_EQ(joined.error().code(), DhcpErrc::TruncatedOption);
  EXPECT_NE(joined.error().detail().find("option 12 at offset 3"), std::string::npos);
}

TEST(Dhcpv4Join, TruncationInTheFileFieldNamesIt) {
  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, hex("34 01 01 8F 01 61"), hex("00 8F 05 01"));
  ASSERT_FALSE(joined);
  EXPECT_EQ(joined.error().code(), DhcpErrc::TruncatedOption);
  EXPECT_NE(joined.error().detail().find("offset 1 of the file field"), std::string::npos);
}

TEST(Dhcpv4Join, AbsentOption) {
  auto joined = joinDhcpv4Option(kDhcpv4OptionCode, hex("35 01 05 FF"));
  ASSERT_FALSE(joined);
  EXPECT_EQ(joined.error().code(), DhcpErrc::OptionAbsent);
  EXPECT_EQ(joined.error().detail(), "no option 143 in the options field");
  EXPECT_EQ(joinDhcpv4Option(kDhcpv4OptionCode, {}).error().code(), DhcpErrc::OptionAbsent);
  // Pad and End are not options that carry a value.
  EXPECT_EQ(joinDhcpv4Option(0, hex("00 00")).error().code(), DhcpErrc::OptionAbsent);
  EXPECT_EQ(joinDhcpv4Option(255, hex("FF")).error().code(), DhcpErrc::OptionAbsent);
}

TEST(Dhcpv4Join, OtherCodesWorkTheSameWay) {
  auto joined = joinDhcpv4Option(52, hex("34 01 03 8F 00"));
  ASSERT_TRUE(joined);
  EXPECT_EQ(*joined, hex("03"));
}

}  // namespace
}  // namespace sztp::dhcp
