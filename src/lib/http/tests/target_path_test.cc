#include "http/target_path.h"

#include <gtest/gtest.h>

#include "http/http_error.h"

namespace sztp::http {
namespace {

using Segments = std::vector<std::string>;

TEST(TargetPath, DecodesSegments) {
  auto segments = decodePathSegments("/images/v1%2E2/a%20b.img");
  ASSERT_TRUE(segments.ok()) << segments.error().describe();
  EXPECT_EQ(*segments, (Segments{"images", "v1.2", "a b.img"}));
  EXPECT_EQ(*decodePathSegments("/"), Segments{});
  EXPECT_EQ(*decodePathSegments("//a///b/"), (Segments{"a", "b"}));
  EXPECT_EQ(*decodePathSegments("/...//.a/a..b"), (Segments{"...", ".a", "a..b"}));
}

TEST(TargetPath, RefusesEscapes) {
  for (const char* bad :
       {"/..", "/../etc/passwd", "/a/../../b", "/%2e%2e/etc/passwd", "/.%2E/x", "/a/./b", "/.",
        "/a%2f..%2fb", "/a%2Fb", "/a%00b", "/a\\b", "/a%5cb", "/images/..%2f..%2fetc"}) {
    auto segments = decodePathSegments(bad);
    ASSERT_FALSE(segments.ok()) << bad;
    EXPECT_EQ(segments.error().code(), make_error_code(HttpErrc::TargetEscapesRoot)) << bad;
  }
}

TEST(TargetPath, RefusesMalformedTargets) {
  for (const std::string bad :
       {"", "a/b", "http://host/a", "/a%", "/a%2", "/a%zz", "/a\x01", "/a%7f", "/a%0a"}) {
    auto segments = decodePathSegments(bad);
    ASSERT_FALSE(segments.ok()) << bad;
    EXPECT_EQ(segments.error().code(), make_error_code(HttpErrc::MalformedTarget)) << bad;
  }
  EXPECT_FALSE(decodePathSegments("/" + std::string(kMaxTargetPathBytes, 'a')).ok());
}

}  // namespace
}  // namespace sztp::http
