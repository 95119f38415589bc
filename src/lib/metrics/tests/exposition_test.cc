// The pieces of the text format: escaping, number forms, names.
#include "metrics/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace sztp::metrics {
namespace {

std::string label(std::string_view value) {
  std::string out;
  appendLabelValue(out, value);
  return out;
}

std::string help(std::string_view text) {
  std::string out;
  appendHelpText(out, text);
  return out;
}

std::string number(double value) {
  std::string out;
  appendValue(out, value);
  return out;
}

TEST(Exposition, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(label("plain"), "\"plain\"");
  EXPECT_EQ(label("a\\b\"c\nd"), "\"a\\\\b\\\"c\\nd\"");
  EXPECT_EQ(label(""), "\"\"");
  EXPECT_EQ(label("tab\there"), "\"tab\there\"");  // Only the three are escaped.
}

TEST(Exposition, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(help("say \"hi\"\\\n"), "say \"hi\"\\\\\\n");
}

TEST(Exposition, NumbersUseTheShortestRoundTripForm) {
  EXPECT_EQ(number(0), "0");
  EXPECT_EQ(number(1), "1");
  EXPECT_EQ(number(0.005), "0.005");
  EXPECT_EQ(number(2.5), "2.5");
  EXPECT_EQ(number(-3), "-3");
  EXPECT_EQ(number(1e-9), "1e-09");
  EXPECT_EQ(number(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(number(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(number(std::nan("")), "NaN");
  std::string out;
  appendValue(out, std::uint64_t{18446744073709551615u});
  EXPECT_EQ(out, "18446744073709551615");
}

TEST(Exposition, MetricNames) {
  EXPECT_TRUE(isValidMetricName("sztp_requests_total"));
  EXPECT_TRUE(isValidMetricName(":recording:rule"));
  EXPECT_TRUE(isValidMetricName("_x9"));
  EXPECT_FALSE(isValidMetricName(""));
  EXPECT_FALSE(isValidMetricName("9x"));
  EXPECT_FALSE(isValidMetricName("sztp-requests"));
  EXPECT_FALSE(isValidMetricName("sztp requests"));
}

TEST(Exposition, LabelNames) {
  EXPECT_TRUE(isValidLabelName("outcome"));
  EXPECT_TRUE(isValidLabelName("_x1"));
  EXPECT_FALSE(isValidLabelName("__reserved"));
  EXPECT_FALSE(isValidLabelName("a:b"));
  EXPECT_FALSE(isValidLabelName("1a"));
  EXPECT_FALSE(isValidLabelName(""));
}

}  // namespace
}  // namespace sztp::metrics
