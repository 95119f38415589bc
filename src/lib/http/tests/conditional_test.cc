#include "http/conditional.h"

#include <gtest/gtest.h>

#include "http/http_date.h"

namespace sztp::http {
namespace {

const TimePoint kModified{std::chrono::seconds(784111777)};
const std::string kModifiedText = "Sun, 06 Nov 1994 08:49:37 GMT";

Validators validators() {
  return Validators{EntityTag{false, "v1"}, kModified};
}

Request get(Headers headers, std::string method = "GET") {
  return Request{std::move(method), "/f", std::move(headers), ""};
}

TEST(Preconditions, NoneMeansProceed) {
  EXPECT_EQ(evaluatePreconditions(get({}), validators()), Precondition::Proceed);
}

TEST(Preconditions, IfNoneMatchGivesNotModifiedForGetAndHead) {
  EXPECT_EQ(evaluatePreconditions(get({{"if-none-match", "\"v1\""}}), validators()),
            Precondition::NotModified);
  EXPECT_EQ(evaluatePreconditions(get({{"if-none-match", "W/\"v1\""}}, "HEAD"), validators()),
            Precondition::NotModified);
  EXPECT_EQ(evaluatePreconditions(get({{"if-none-match", "\"x\", \"v1\""}}), validators()),
            Precondition::NotModified);
  EXPECT_EQ(evaluatePreconditions(get({{"if-none-match", "*"}}), validators()),
            Precondition::NotModified);
  EXPECT_EQ(evaluatePreconditions(get({{"if-none-match", "\"v1\""}}, "PUT"), validators()),
            Precondition::Failed);
  EXPECT_EQ(evaluatePreconditions(get({{"if-none-match", "\"v2\""}}), validators()),
            Precondition::Proceed);
}

TEST(Preconditions, IfNoneMatchOverridesIfModifiedSince) {
  EXPECT_EQ(
      evaluatePreconditions(
          get({{"if-none-match", "\"v2\""}, {"if-modified-since", kModifiedText}}), validators()),
      Precondition::Proceed);
}

TEST(Preconditions, IfModifiedSince) {
  EXPECT_EQ(evaluatePreconditions(get({{"if-modified-since", kModifiedText}}), validators()),
            Precondition::NotModified);
  const std::string earlier = formatHttpDate(kModified - std::chrono::seconds(1));
  EXPECT_EQ(evaluatePreconditions(get({{"if-modified-since", earlier}}), validators()),
            Precondition::Proceed);
  EXPECT_EQ(evaluatePreconditions(get({{"if-modified-since", "yesterday"}}), validators()),
            Precondition::Proceed);
  EXPECT_EQ(
      evaluatePreconditions(get({{"if-modified-since", kModifiedText}}, "POST"), validators()),
      Precondition::Proceed);
}

TEST(Preconditions, IfMatchAndIfUnmodifiedSince) {
  EXPECT_EQ(evaluatePreconditions(get({{"if-match", "\"v1\""}}), validators()),
            Precondition::Proceed);
  EXPECT_EQ(evaluatePreconditions(get({{"if-match", "W/\"v1\""}}), validators()),
            Precondition::Failed);
  EXPECT_EQ(evaluatePreconditions(get({{"if-match", "\"v2\""}}), validators()),
            Precondition::Failed);
  EXPECT_EQ(evaluatePreconditions(get({{"if-match", "*"}}), validators()), Precondition::Proceed);
  EXPECT_EQ(evaluatePreconditions(get({{"if-match", "garbage"}}), validators()),
            Precondition::Failed);
  const std::string earlier = formatHttpDate(kModified - std::chrono::seconds(1));
  EXPECT_EQ(evaluatePreconditions(get({{"if-unmodified-since", earlier}}), validators()),
            Precondition::Failed);
  EXPECT_EQ(evaluatePreconditions(get({{"if-unmodified-since", kModifiedText}}), validators()),
            Precondition::Proceed);
}

TEST(IfRange, StrongTagOrExactDate) {
  EXPECT_TRUE(ifRangeAllowsPartial(std::nullopt, validators()));
  EXPECT_TRUE(ifRangeAllowsPartial("\"v1\"", validators()));
  EXPECT_FALSE(ifRangeAllowsPartial("W/\"v1\"", validators()));
  EXPECT_FALSE(ifRangeAllowsPartial("\"v2\"", validators()));
  EXPECT_TRUE(ifRangeAllowsPartial(kModifiedText, validators()));
  EXPECT_FALSE(
      ifRangeAllowsPartial(formatHttpDate(kModified + std::chrono::seconds(1)), validators()));
  EXPECT_FALSE(ifRangeAllowsPartial("garbage", validators()));
  EXPECT_FALSE(ifRangeAllowsPartial("\"v1\"", Validators{}));
}

}  // namespace
}  // namespace sztp::http
