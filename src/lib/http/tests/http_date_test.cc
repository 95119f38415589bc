#include "http/http_date.h"

#include <gtest/gtest.h>

namespace sztp::http {
namespace {

// RFC 9110 §5.6.7's example instant, 784111777 seconds after the epoch.
const TimePoint kExample{std::chrono::seconds(784111777)};

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(formatHttpDate(kExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(formatHttpDate(TimePoint{}), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(HttpDate, ParsesTheThreeForms) {
  for (const char* text : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                           "Sun Nov  6 08:49:37 1994"}) {
    auto parsed = parseHttpDate(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(*parsed, kExample) << text;
  }
}

TEST(HttpDate, TwoDigitYearsPivotAt1970) {
  auto parsed = parseHttpDate("Monday, 01-Jan-24 00:00:00 GMT");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(formatHttpDate(*parsed), "Mon, 01 Jan 2024 00:00:00 GMT");
}

TEST(HttpDate, RefusesAnythingElse) {
  for (const char* bad : {"", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
                          "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                          "1994-11-06T08:49:37Z", "Xyz, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT "}) {
    EXPECT_FALSE(parseHttpDate(bad).ok()) << bad;
  }
  EXPECT_FALSE(parseHttpDate(std::string(100, 'x')).ok());
}

}  // namespace
}  // namespace sztp::http
