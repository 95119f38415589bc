#include "common/hex.h"

#include <gtest/gtest.h>

namespace sztp {
namespace {

TEST(HexString, EncodesLowerCaseColonSeparated) {
  EXPECT_EQ(hexStringEncode(Bytes{0xba, 0xec, 0x01}), "ba:ec:01");
  EXPECT_EQ(hexStringEncode(Bytes{}), "");
}

TEST(HexString, DecodesEitherCase) {
  auto r = hexStringDecode("BA:ec:01");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (Bytes{0xba, 0xec, 0x01}));
  EXPECT_TRUE(hexStringDecode("")->empty());
}

TEST(HexString, RejectsWhatThePatternRejects) {
  for (const char* bad : {"b", "bae", "ba:", "ba::ec", "ba-ec", "gz", "baec", ":ba"}) {
    EXPECT_FALSE(hexStringDecode(bad)) << bad;
  }
}

TEST(HexLenient, AcceptsOperatorForms) {
  const Bytes expected{0x8f, 0x17, 0x00};
  for (const char* form : {"8f1700", "8F:17:00", "8f 17 00", "0x8f1700", "8f-17-00", "8f17\n00"}) {
    auto r = hexDecodeLenient(form);
    ASSERT_TRUE(r) << form;
    EXPECT_EQ(*r, expected) << form;
  }
  EXPECT_FALSE(hexDecodeLenient("8f1"));
  EXPECT_FALSE(hexDecodeLenient("8 f"));
  EXPECT_FALSE(hexDecodeLenient("zz"));
  EXPECT_EQ(hexEncode(expected), "8f1700");
}

}  // namespace
}  // namespace sztp
