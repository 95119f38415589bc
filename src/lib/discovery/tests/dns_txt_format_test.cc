// The SZTP TXT publisher (X8, X10): what formatSztpTxt splits, parseSztpTxt
// joins back exactly, whatever the values hold at the split points.
#include "discovery/dns_txt_format.h"

#include <gtest/gtest.h>

#include <random>

namespace sztp::discovery {
namespace {

// The parser's key rule, restated independently of the formatter's.
bool looksLikeKey(const Bytes& s) {
  for (std::size_t i = 0; i < s.size() && i < 10; ++i) {
    if (s[i] == '=') {
      return i >= 1;
    }
    if (s[i] < 0x20 || s[i] > 0x7e) {
      return false;
    }
  }
  return false;
}

void expectRoundTrip(const SztpTxtData& data) {
  const auto strings = formatSztpTxt(data);
  std::size_t keys = 0;
  for (const auto& s : strings) {
    ASSERT_LE(s.size(), kMaxCharacterString);
    keys += looksLikeKey(s) ? 1 : 0;
  }
  EXPECT_EQ(keys, std::size_t{data.conveyedInformation.has_value()} +
                      std::size_t{data.ownerCertificate.has_value()} +
                      std::size_t{data.ownershipVoucher.has_value()});
  const auto back = parseSztpTxt(strings);
  EXPECT_EQ(back.conveyedInformation, data.conveyedInformation);
  EXPECT_EQ(back.ownerCertificate, data.ownerCertificate);
  EXPECT_EQ(back.ownershipVoucher, data.ownershipVoucher);
}

Bytes randomBytes(std::mt19937& rng, std::size_t n) {
  Bytes b(n);
  for (auto& octet : b) {
    octet = static_cast<std::uint8_t>(rng());
  }
  return b;
}

TEST(SztpTxtFormat, ShortValuesAreOneStringEach) {
  SztpTxtData data;
  data.conveyedInformation = toBytes("abc");
  data.ownershipVoucher = Bytes{};
  const auto strings = formatSztpTxt(data);
  ASSERT_EQ(strings.size(), 2u);
  EXPECT_EQ(strings[0], toBytes("ci=abc"));
  EXPECT_EQ(strings[1], toBytes("ov="));
  expectRoundTrip(data);
  EXPECT_TRUE(formatSztpTxt({}).empty());
}

TEST(SztpTxtFormat, RandomBinaryOfSeveralKilobytesRoundTrips) {
  std::mt19937 rng(8572);
  for (std::size_t size : {252u, 253u, 507u, 4096u, 9000u}) {
    SztpTxtData data;
    data.conveyedInformation = randomBytes(rng, size);
    data.ownerCertificate = randomBytes(rng, size / 2 + 1);
    data.ownershipVoucher = randomBytes(rng, size + 3);
    expectRoundTrip(data);
  }
}

TEST(SztpTxtFormat, FullStringsWhenNothingLooksLikeAKey) {
  SztpTxtData data;
  data.conveyedInformation = Bytes(1000, 0x01);
  const auto strings = formatSztpTxt(data);
  ASSERT_EQ(strings.size(), 4u);  // 252 + 255 + 255 + 238
  EXPECT_EQ(strings[0].size(), 255u);
  EXPECT_EQ(strings[1].size(), 255u);
  EXPECT_EQ(strings[3].size(), 238u);
  EXPECT_EQ(txtRdataLength(strings), 4u + 3u + 1000u);
}

// Keys of every length 1..9 (and 10, which is not one) placed at every
// offset around the first two split points, in printable and key-dense text.
TEST(SztpTxtFormat, KeyLikeTextAtSplitPointsMovesTheSplit) {
  for (const std::string key :
       {"ci=", "oc=", "ov=", "x=", "abcdefghi=", "abcdefghij=", "=", "CI="}) {
    for (std::size_t at = 240; at < 520; ++at) {
      Bytes value(600, 'a');
      std::copy(key.begin(), key.end(), value.begin() + static_cast<std::ptrdiff_t>(at));
      SztpTxtData data;
      data.conveyedInformation = value;
      data.ownerCertificate = toBytes("oc=" + std::string(300, 'q'));
      expectRoundTrip(data);
    }
  }
  SztpTxtData dense;
  std::string text;
  while (text.size() < 3000) {
    text += "ci=oc=ov=";
  }
  dense.conveyedInformation = toBytes(text);
  dense.ownershipVoucher = toBytes(std::string(2000, '='));
  expectRoundTrip(dense);
  std::mt19937 rng(6763);
  for (int round = 0; round < 200; ++round) {
    // Mostly printable with '=' often: the case where splits must move.
    Bytes value(300 + rng() % 1500);
    for (auto& octet : value) {
      octet = rng() % 4 == 0 ? '=' : static_cast<std::uint8_t>('a' + rng() % 26);
    }
    SztpTxtData data;
    data.ownerCertificate = value;
    expectRoundTrip(data);
  }
}

TEST(SztpTxtFormat, PresentationQuotesAndEscapes) {
  EXPECT_EQ(txtPresentation({toBytes("ci=a b"), Bytes{0x00, '"', '\\', 0xff, 'z'}}),
            "\"ci=a b\" \"\\000\\034\\092\\255z\"");
  EXPECT_EQ(txtPresentation({Bytes{}}), "\"\"");
  EXPECT_EQ(txtPresentation({}), "");
}

}  // namespace
}  // namespace sztp::discovery
