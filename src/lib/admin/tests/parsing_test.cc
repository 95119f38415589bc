// The admin API's own parsers: JSON bodies, query strings, percent-encoding.
#include <gtest/gtest.h>

#include "admin/json_body.h"
#include "admin/query.h"

namespace sztp::admin {
namespace {

TEST(JsonBody, ParsesAndRefusesWithAPosition) {
  auto ok = parseJsonBody(R"({"a": [1, {"b": "}]"}]})", 8);
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  EXPECT_EQ((*ok)["a"][1]["b"], "}]");

  auto bad = parseJsonBody("{\"a\": tru}", 8);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().reason(), "admin-body-malformed");
  EXPECT_NE(bad.error().detail().find("at byte"), std::string::npos) << bad.error().detail();

  EXPECT_FALSE(parseJsonBody("", 8).ok());
  EXPECT_FALSE(parseJsonBody("{} {}", 8).ok()) << "trailing content";
  // Duplicates are refused per object; the same name in sibling objects is fine.
  EXPECT_FALSE(parseJsonBody(R"({"x": {"a": 1, "a": 1}})", 8).ok());
  EXPECT_TRUE(parseJsonBody(R"([{"a": 1}, {"a": 2}])", 8).ok());
}

TEST(JsonBody, DepthIsCountedOutsideStrings) {
  EXPECT_EQ(jsonDepth(R"([[["[[[[[[[["]]])", 100), 3u);
  EXPECT_EQ(jsonDepth(R"({"a\"[[[": [{}]})", 100), 3u);
  EXPECT_TRUE(parseJsonBody("[[[]]]", 3).ok());
  EXPECT_FALSE(parseJsonBody("[[[[]]]]", 3).ok());
  // The scan stops early: a huge nesting is not walked to the end.
  EXPECT_EQ(jsonDepth(std::string(1'000'000, '['), 10), 11u);
}

TEST(QueryString, DecodesAndChecksNames) {
  auto q = Query::parse("device-type=dpu&owner=a%20b&stage=x+y&flag&empty=",
                        {"device-type", "owner", "stage", "flag", "empty"});
  ASSERT_TRUE(q.ok()) << q.error().describe();
  EXPECT_EQ(q->get("owner"), "a b");
  EXPECT_EQ(q->get("stage"), "x y");
  EXPECT_EQ(q->get("flag"), "");
  EXPECT_EQ(*q->boolean("flag", false), true);
  EXPECT_FALSE(q->get("missing").has_value());
  EXPECT_EQ(q->getOr("missing", "d"), "d");

  auto unknown = Query::parse("device_type=dpu", {"device-type"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().reason(), "admin-parameter-invalid");
  EXPECT_NE(unknown.error().detail().find("takes device-type"), std::string::npos);
  EXPECT_FALSE(Query::parse("a=%zz", {"a"}).ok());
  EXPECT_FALSE(Query::parse("a=%4", {"a"}).ok());
  EXPECT_FALSE(Query::parse("a=%0a", {"a"}).ok()) << "control characters";
  EXPECT_TRUE(Query::parse("", {}).ok());
}

TEST(QueryString, IntegersAndBooleansAreChecked) {
  auto q = Query::parse("limit=50&after=-1&big=99999999999999999999&b=maybe&t=1",
                        {"limit", "after", "big", "b", "t"});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(*q->integer("limit", 100, 1, 1000), 50);
  EXPECT_EQ(*q->integer("absent", 100, 1, 1000), 100);
  EXPECT_FALSE(q->integer("after", 0, 0, 10).ok());
  EXPECT_FALSE(q->integer("big", 0, 0, 10).ok());
  EXPECT_FALSE(q->boolean("b", false).ok());
  EXPECT_TRUE(*q->boolean("t", false));
}

TEST(Percent, EncodesEverythingButUnreservedAndRoundTrips) {
  EXPECT_EQ(percentEncode("PID:X1 SN:AB+1/é"), "PID%3AX1%20SN%3AAB%2B1%2F%C3%A9");
  EXPECT_EQ(percentEncode("a-Z_0.9~"), "a-Z_0.9~");
  const std::string all = [] {
    std::string s;
    for (int c = 0; c < 256; ++c) {
      s.push_back(static_cast<char>(c));
    }
    return s;
  }();
  EXPECT_EQ(percentDecode(percentEncode(all), false), all);
  EXPECT_EQ(percentDecode("a+b", false), "a+b");
  EXPECT_EQ(percentDecode("a+b", true), "a b");
  EXPECT_FALSE(percentDecode("%", false).has_value());
  EXPECT_FALSE(percentDecode("%g0", false).has_value());
}

}  // namespace
}  // namespace sztp::admin
