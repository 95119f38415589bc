#include "common/base64.h"

#include <gtest/gtest.h>

#include "common/codec_error.h"

namespace sztp {
namespace {

TEST(Base64, Rfc4648Vectors) {
  // RFC 4648 §10 test vectors.
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64Encode(asBytes(plain)), encoded);
    auto decoded = base64Decode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(toString(*decoded), plain);
  }
}

TEST(Base64, RejectsMissingPadding) {
  auto r = base64Decode("Zg");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), CodecErrc::InvalidValue);
  EXPECT_NE(r.error().detail().find("padding"), std::string::npos);
}

TEST(Base64, RejectsBadCharactersAndMisplacedPadding) {
  EXPECT_FALSE(base64Decode("Zm9v!A=="));
  EXPECT_FALSE(base64Decode("Z=9v"));
  EXPECT_FALSE(base64Decode("Zg==Zg=="));
  EXPECT_FALSE(base64Decode("Zm9vYg=a"));
  EXPECT_FALSE(base64Decode("Zm 9v"));
}

TEST(Base64, RejectsNonCanonicalTrailingBits) {
  // "Zh==" decodes to 'f' with non-zero trailing bits; only "Zg==" is canonical.
  EXPECT_FALSE(base64Decode("Zh=="));
  EXPECT_FALSE(base64Decode("Zm9=")) << "bits set under single padding";
}

TEST(Base64, WhitespaceOnlyWhenAllowed) {
  EXPECT_FALSE(base64Decode("Zm9v\nYmFy"));
  auto r = base64Decode(" Zm9v\r\n\tYmFy ", true);
  ASSERT_TRUE(r);
  EXPECT_EQ(toString(*r), "foobar");
}

TEST(Base64, RoundTripsAllByteValues) {
  Bytes all(256);
  for (int i = 0; i < 256; ++i) {
    all[i] = static_cast<std::uint8_t>(i);
  }
  for (std::size_t len = 0; len < all.size(); len += 37) {
    Bytes slice(all.begin(), all.begin() + static_cast<long>(len));
    auto r = base64Decode(base64Encode(slice));
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, slice);
  }
}

}  // namespace
}  // namespace sztp
