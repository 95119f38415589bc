#include "common/date_time.h"

#include <gtest/gtest.h>

namespace sztp {
namespace {

using namespace std::chrono;

TEST(DateTime, ParsesUtcAndOffsets) {
  auto utc = parseDateTime("2016-10-07T19:31:42Z");
  ASSERT_TRUE(utc);
  EXPECT_EQ(utc->time, sys_days(2016y / October / 7) + 19h + 31min + 42s);
  EXPECT_EQ(utc->text, "2016-10-07T19:31:42Z");

  auto offset = parseDateTime("2016-10-07T21:31:42.123+02:00");
  ASSERT_TRUE(offset);
  EXPECT_EQ(offset->time, utc->time);

  auto negative = parseDateTime("2016-10-07T14:31:42-05:00");
  ASSERT_TRUE(negative);
  EXPECT_EQ(negative->time, utc->time);
}

TEST(DateTime, RejectsMalformed) {
  for (const char* bad :
       {"", "2016-10-07", "2016-10-07 19:31:42Z", "2016-10-07T19:31:42", "2016-13-07T19:31:42Z",
        "2016-02-30T19:31:42Z", "2016-10-07T24:00:00Z", "2016-10-07T19:31:42.Z",
        "2016-10-07T19:31:42+0200", "2016-10-07T19:31:42Zjunk", "20x6-10-07T19:31:42Z"}) {
    EXPECT_FALSE(parseDateTime(bad)) << bad;
  }
}

TEST(DateTime, FormatsAndRoundTrips) {
  const TimePoint t = sys_days(2030y / January / 2) + 3h + 4min + 5s;
  EXPECT_EQ(formatDateTime(t), "2030-01-02T03:04:05Z");
  auto back = parseDateTime(formatDateTime(t));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->time, t);
  EXPECT_EQ(DateTime::at(t).text, "2030-01-02T03:04:05Z");
}

TEST(DateTime, AcceptsLowerCaseSeparatorsAndLeapYears) {
  EXPECT_TRUE(parseDateTime("2024-02-29t00:00:00z"));
  EXPECT_FALSE(parseDateTime("2023-02-29T00:00:00Z"));
}

}  // namespace
}  // namespace sztp
