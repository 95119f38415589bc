#include "http/etag.h"

#include <gtest/gtest.h>

namespace sztp::http {
namespace {

TEST(EntityTag, FileTagIsStrongAndChangesWithEachInput) {
  const EntityTag tag = fileEntityTag(500, 0x17a3c2d9e8b01200, 0x8c21);
  EXPECT_EQ(tag.toString(), "\"1f4-17a3c2d9e8b01200-8c21\"");
  EXPECT_FALSE(tag.weak);
  EXPECT_NE(fileEntityTag(501, 1, 1), fileEntityTag(500, 1, 1));
  EXPECT_NE(fileEntityTag(500, 2, 1), fileEntityTag(500, 1, 1));
  EXPECT_NE(fileEntityTag(500, 1, 2), fileEntityTag(500, 1, 1));
}

TEST(EntityTag, ContentTag) {
  const Bytes digest{0xab, 0x01};
  EXPECT_EQ(contentEntityTag("sha256", digest).toString(), "\"sha256-ab01\"");
}

TEST(EntityTag, ParsesStrongAndWeak) {
  auto strong = parseEntityTag("\"xyzzy\"");
  ASSERT_TRUE(strong.ok());
  EXPECT_FALSE(strong->weak);
  EXPECT_EQ(strong->opaque, "xyzzy");
  auto weak = parseEntityTag("W/\"xyzzy\"");
  ASSERT_TRUE(weak.ok());
  EXPECT_TRUE(weak->weak);
  auto empty = parseEntityTag("\"\"");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->opaque, "");
  for (const char* bad : {"", "xyzzy", "\"xyzzy", "w/\"x\"", "\"x\"y", "\"x y\"", "W/x"}) {
    EXPECT_FALSE(parseEntityTag(bad).ok()) << bad;
  }
}

TEST(EntityTag, ParsesLists) {
  auto list = parseEntityTagList(" \"a\", W/\"b\" ,,\"c\"");
  ASSERT_TRUE(list.ok()) << list.error().describe();
  ASSERT_EQ(list->tags.size(), 3u);
  EXPECT_FALSE(list->any);
  EXPECT_TRUE(list->tags[1].weak);
  auto any = parseEntityTagList("*");
  ASSERT_TRUE(any.ok());
  EXPECT_TRUE(any->any);
  for (const char* bad : {"", ",", "\"a\" \"b\"x", "\"a\"b", "*, \"a\""}) {
    EXPECT_FALSE(parseEntityTagList(bad).ok()) << bad;
  }
}

TEST(EntityTag, ComparisonFunctions) {
  // The table of RFC 9110 §8.8.3.2.
  const EntityTag w1{true, "1"}, w2{true, "2"}, s1{false, "1"};
  EXPECT_FALSE(strongMatch(w1, w1));
  EXPECT_TRUE(weakMatch(w1, w1));
  EXPECT_FALSE(strongMatch(w1, w2));
  EXPECT_FALSE(weakMatch(w1, w2));
  EXPECT_FALSE(strongMatch(w1, s1));
  EXPECT_TRUE(weakMatch(w1, s1));
  EXPECT_TRUE(strongMatch(s1, s1));
}

}  // namespace
}  // namespace sztp::http
