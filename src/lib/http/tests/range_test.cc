#include "http/range.h"

#include <gtest/gtest.h>

#include "http/http_error.h"

namespace sztp::http {
namespace {

TEST(RangeParse, ReadsTheThreeForms) {
  auto specs = parseRangeHeader("bytes=0-499, 500-, -200");
  ASSERT_TRUE(specs.ok()) << specs.error().describe();
  ASSERT_EQ(specs->size(), 3u);
  EXPECT_EQ((*specs)[0], (RangeSpec{0, 499}));
  EXPECT_EQ((*specs)[1], (RangeSpec{500, std::nullopt}));
  EXPECT_EQ((*specs)[2], (RangeSpec{std::nullopt, 200}));
  EXPECT_TRUE((*specs)[2].isSuffix());
}

TEST(RangeParse, UnitIsCaseInsensitiveAndEmptyElementsAreSkipped) {
  auto specs = parseRangeHeader("Bytes=,0-0,, ");
  ASSERT_TRUE(specs.ok());
  EXPECT_EQ(specs->size(), 1u);
}

TEST(RangeParse, RefusesWhatIsNotABytesRange) {
  for (const char* bad : {"", "bytes", "bytes=", "bytes=,", "items=0-1", "bytes=5-4", "bytes=a-1",
                          "bytes=1-b", "bytes=-", "bytes=1", "bytes=-1-2", "bytes=0x10-",
                          "bytes=99999999999999999999-", "bytes=--5"}) {
    auto specs = parseRangeHeader(bad);
    ASSERT_FALSE(specs.ok()) << bad;
    EXPECT_EQ(specs.error().code(), make_error_code(HttpErrc::MalformedRange)) << bad;
  }
}

TEST(RangeParse, EnforcesItsLimits) {
  std::string many = "bytes=0-0";
  for (std::size_t i = 1; i <= kMaxRangeSpecs; ++i) {
    many += ",0-0";
  }
  EXPECT_FALSE(parseRangeHeader(many).ok());
  EXPECT_FALSE(parseRangeHeader("bytes=0-" + std::string(kMaxRangeHeaderBytes, '1')).ok());
}

TEST(RangeDecide, PartialRangesAreClampedToTheEnd) {
  EXPECT_EQ(decideRange("bytes=0-9", 100).range, (ByteRange{0, 9}));
  EXPECT_EQ(decideRange("bytes=0-9", 100).kind, RangeKind::Partial);
  EXPECT_EQ(decideRange("bytes=90-200", 100).range, (ByteRange{90, 99}));
  EXPECT_EQ(decideRange("bytes=10-", 100).range, (ByteRange{10, 99}));
  EXPECT_EQ(decideRange("bytes=-10", 100).range, (ByteRange{90, 99}));
  EXPECT_EQ(decideRange("bytes=-1000", 100).range, (ByteRange{0, 99}));
  EXPECT_EQ(decideRange("bytes=99-99", 100).range.length(), 1u);
}

TEST(RangeDecide, StartsPastTheEndAreUnsatisfiable) {
  EXPECT_EQ(decideRange("bytes=100-", 100).kind, RangeKind::Unsatisfiable);
  EXPECT_EQ(decideRange("bytes=100-200", 100).kind, RangeKind::Unsatisfiable);
  EXPECT_EQ(decideRange("bytes=-0", 100).kind, RangeKind::Unsatisfiable);
  EXPECT_EQ(decideRange("bytes=0-", 0).kind, RangeKind::Unsatisfiable);
  EXPECT_EQ(decideRange("bytes=-5", 0).kind, RangeKind::Unsatisfiable);
}

TEST(RangeDecide, NoneMalformedOrSeveralMeanTheFullBody) {
  EXPECT_EQ(decideRange(std::nullopt, 100).kind, RangeKind::Full);
  EXPECT_EQ(decideRange("bytes=5-1", 100).kind, RangeKind::Full);
  EXPECT_EQ(decideRange("lines=1-2", 100).kind, RangeKind::Full);
  EXPECT_EQ(decideRange("bytes=0-1,5-6", 100).kind, RangeKind::Full);
}

TEST(RangeHeaders, ContentRangeForms) {
  EXPECT_EQ(contentRangeHeader({0, 499}, 1234), "bytes 0-499/1234");
  EXPECT_EQ(unsatisfiedContentRangeHeader(1234), "bytes */1234");
}

}  // namespace
}  // namespace sztp::http
