// Registration rules and the exact exposition text of a small registry.
#include "metrics/metrics_registry.h"

#include <gtest/gtest.h>

#include <cmath>

#include "metrics/metrics_error.h"

namespace sztp::metrics {
namespace {

TEST(MetricsRegistry, RendersASmallRegistryExactly) {
  MetricsRegistry registry;
  auto requests =
      registry.addCounter("sztp_requests_total", "Requests by outcome.", {"endpoint", "outcome"});
  ASSERT_TRUE(requests) << requests.error().describe();
  auto active = registry.addGauge("sztp_connections_active", "Open connections.");
  ASSERT_TRUE(active);
  auto latency =
      registry.addHistogram("sztp_request_duration_seconds", "Time to answer.\nIn seconds.",
                            {"endpoint"}, {0.01, 0.1, 1});
  ASSERT_TRUE(latency);

  (*requests)->labels({"get-bootstrapping-data", "ok"}).inc();
  (*requests)->labels({"get-bootstrapping-data", "ok"}).inc(2);
  (*requests)->labels({"report-progress", "say \"no\"\\"}).inc();
  (*active)->labels({}).set(3);
  (*active)->labels({}).dec();
  auto& h = (*latency)->labels({"get-bootstrapping-data"});
  h.observe(0.01);  // Bounds are inclusive: counted in le="0.01".
  h.observe(0.05);
  h.observe(7);

  EXPECT_EQ(
      registry.render(),
      "# HELP sztp_connections_active Open connections.\n"
      "# TYPE sztp_connections_active gauge\n"
      "sztp_connections_active 2\n"
      "# HELP sztp_request_duration_seconds Time to answer.\\nIn seconds.\n"
      "# TYPE sztp_request_duration_seconds histogram\n"
      "sztp_request_duration_seconds_bucket{endpoint=\"get-bootstrapping-data\",le=\"0.01\"} 1\n"
      "sztp_request_duration_seconds_bucket{endpoint=\"get-bootstrapping-data\",le=\"0.1\"} 2\n"
      "sztp_request_duration_seconds_bucket{endpoint=\"get-bootstrapping-data\",le=\"1\"} 2\n"
      "sztp_request_duration_seconds_bucket{endpoint=\"get-bootstrapping-data\",le=\"+Inf\"} 3\n"
      "sztp_request_duration_seconds_sum{endpoint=\"get-bootstrapping-data\"} 7.06\n"
      "sztp_request_duration_seconds_count{endpoint=\"get-bootstrapping-data\"} 3\n"
      "# HELP sztp_requests_total Requests by outcome.\n"
      "# TYPE sztp_requests_total counter\n"
      "sztp_requests_total{endpoint=\"get-bootstrapping-data\",outcome=\"ok\"} 3\n"
      "sztp_requests_total{endpoint=\"report-progress\",outcome=\"say \\\"no\\\"\\\\\"} 1\n");
}

TEST(MetricsRegistry, SameLabelsGiveTheSameSeries) {
  MetricsRegistry registry;
  auto family = registry.addCounter("c_total", "c", {"a"});
  ASSERT_TRUE(family);
  Counter& first = (*family)->labels({"x"});
  Counter& again = (*family)->labels({std::string("x")});
  EXPECT_EQ(&first, &again);
  EXPECT_NE(&first, &(*family)->labels({"y"}));
}

TEST(MetricsRegistry, WrongNumberOfLabelValuesIsMadeHarmless) {
  MetricsRegistry registry;
  auto family = registry.addCounter("c_total", "c", {"a", "b"});
  ASSERT_TRUE(family);
  (*family)->labels({"x"}).inc();               // b = ""
  (*family)->labels({"x", "", "extra"}).inc();  // extra dropped: the same series
  EXPECT_EQ((*family)->labels({"x", ""}).value(), 2u);
  EXPECT_NE(registry.render().find("c_total{a=\"x\",b=\"\"} 2\n"), std::string::npos);
}

TEST(MetricsRegistry, LabelledFamilyWithoutSeriesShowsOnlyItsHeader) {
  MetricsRegistry registry;
  ASSERT_TRUE(registry.addCounter("c_total", "c", {"a"}));
  EXPECT_EQ(registry.render(), "# HELP c_total c\n# TYPE c_total counter\n");
}

TEST(MetricsRegistry, RefusesBadNamesDuplicatesAndBuckets) {
  MetricsRegistry registry;
  ASSERT_TRUE(registry.addCounter("ok_total", "h"));
  EXPECT_EQ(registry.addCounter("ok_total", "h").error(), MetricsErrc::DuplicateName);
  EXPECT_EQ(registry.addGauge("ok_total", "h").error(), MetricsErrc::DuplicateName);
  EXPECT_EQ(registry.addCounter("bad-name", "h").error(), MetricsErrc::InvalidName);
  EXPECT_EQ(registry.addCounter("x_total", "h", {"__x"}).error(), MetricsErrc::InvalidName);
  EXPECT_EQ(registry.addCounter("x_total", "h", {"a", "a"}).error(), MetricsErrc::InvalidName);
  EXPECT_EQ(registry.addHistogram("h1", "h", {"le"}, {1}).error(), MetricsErrc::InvalidName);
  EXPECT_EQ(registry.addHistogram("h2", "h", {}, {}).error(), MetricsErrc::InvalidBuckets);
  EXPECT_EQ(registry.addHistogram("h3", "h", {}, {1, 1}).error(), MetricsErrc::InvalidBuckets);
  EXPECT_EQ(registry.addHistogram("h4", "h", {}, {2, 1}).error(), MetricsErrc::InvalidBuckets);
  EXPECT_EQ(registry.addHistogram("h5", "h", {}, {1, INFINITY}).error(),
            MetricsErrc::InvalidBuckets);
  EXPECT_EQ(registry.addHistogram("h6", "h", {}, {NAN}).error(), MetricsErrc::InvalidBuckets);
  EXPECT_TRUE(registry.addGauge("le", "a gauge may use le as a label", {"le"}));
}

TEST(MetricsRegistry, HistogramNaNGoesToInfAndSumBecomesNaN) {
  MetricsRegistry registry;
  auto family = registry.addHistogram("h", "h", {}, {1});
  ASSERT_TRUE(family);
  (*family)->labels({}).observe(NAN);
  (*family)->labels({}).observe(-5);  // Below every bound: first bucket.
  const auto snapshot = (*family)->labels({}).snapshot();
  EXPECT_EQ(snapshot.cumulative, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(snapshot.count, 2u);
  EXPECT_TRUE(std::isnan(snapshot.sum));
}

TEST(MetricsRegistry, Buckets) {
  EXPECT_EQ(defaultLatencyBuckets().front(), 0.001);
  EXPECT_EQ(defaultLatencyBuckets().back(), 10);
  auto buckets = exponentialBuckets(0.001, 2, 4);
  ASSERT_TRUE(buckets);
  EXPECT_EQ(*buckets, (std::vector<double>{0.001, 0.002, 0.004, 0.008}));
  EXPECT_FALSE(exponentialBuckets(0, 2, 4));
  EXPECT_FALSE(exponentialBuckets(1, 1, 4));
  EXPECT_FALSE(exponentialBuckets(1, 2, 0));
  EXPECT_FALSE(exponentialBuckets(1, 2, 65));
  EXPECT_EQ(exponentialBuckets(1e300, 1e10, 3).error(), MetricsErrc::InvalidBuckets);
}

}  // namespace
}  // namespace sztp::metrics
