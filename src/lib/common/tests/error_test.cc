#include <gtest/gtest.h>

#include <set>

#include "common/codec_error.h"
#include "common/result.h"

namespace sztp {
namespace {

Result<int> half(int v) {
  if (v % 2 != 0) {
    return Error(CodecErrc::InvalidValue, "odd");
  }
  return v / 2;
}

TEST(Error, CarriesReasonCodeAndOperatorMessage) {
  Error e(CodecErrc::MissingNode, "/ietf-voucher:voucher/serial-number");
  EXPECT_EQ(e.reason(), "missing-node");
  EXPECT_EQ(e.code(), CodecErrc::MissingNode);
  EXPECT_NE(e.message().find("mandatory node is missing"), std::string::npos);
  EXPECT_NE(e.message().find("serial-number"), std::string::npos);
  EXPECT_EQ(e.describe().rfind("missing-node: ", 0), 0u);
}

TEST(Error, ContextIsPrefixed) {
  Error e(CodecErrc::InvalidValue, "bad base64");
  e.addContext("ownership-voucher");
  EXPECT_EQ(e.detail(), "ownership-voucher: bad base64");
}

TEST(Result, HoldsValueOrError) {
  auto ok = half(4);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 2);
  auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason(), "invalid-value");
  Status s = CodecErrc::MalformedJson;
  EXPECT_FALSE(s);
  EXPECT_TRUE(Status{});
}

TEST(Error, ReasonCodesOfTheCodecLayerAreUnique) {
  std::set<std::string_view> seen;
  for (const auto& info : codecCategory().reasons()) {
    EXPECT_TRUE(seen.insert(info.code).second) << info.code;
    EXPECT_FALSE(info.message.empty());
  }
}

}  // namespace
}  // namespace sztp
