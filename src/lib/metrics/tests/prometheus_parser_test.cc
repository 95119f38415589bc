// The real counterpart: our exposition fed to the official Prometheus Python
// client's parser (Debian python3-prometheus-client), which must read back
// every family, type, label (escapes included) and value.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "metrics/metrics_registry.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::metrics {
namespace {

// Debian's interpreter, not whatever python3 comes first on PATH: the module
// is installed for /usr/bin/python3.
constexpr const char* kPython = "/usr/bin/python3";

constexpr const char* kParse = R"(
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(open(sys.argv[1]).read()):
    out.append({"name": family.name, "type": family.type, "help": family.documentation,
                "samples": [[s.name, s.labels, repr(s.value)] for s in family.samples]})
print(json.dumps(out))
)";

TEST(PrometheusParser, ReadsOurExpositionBack) {
  if (testutil::runCommand({kPython, "-c", "import prometheus_client"}).exitCode != 0) {
    GTEST_SKIP() << "python3-prometheus-client is not installed (scripts/install-deps.sh)";
  }
  MetricsRegistry registry;
  auto requests = registry.addCounter("sztp_requests_total", "Requests \\ by \"outcome\".",
                                      {"endpoint", "outcome"});
  auto stage = registry.addGauge("sztp_onboarding_devices", "Devices per stage.", {"stage"});
  auto latency = registry.addHistogram("sztp_request_duration_seconds", "Latency.\nSeconds.",
                                       {"endpoint"}, defaultLatencyBuckets());
  ASSERT_TRUE(requests && stage && latency);
  (*requests)->labels({"get-bootstrapping-data", "ok"}).inc(41);
  (*requests)->labels({"odd\"one\\\nout", "error"}).inc();
  (*stage)->labels({"completed"}).set(12.5);
  (*stage)->labels({"failed"}).set(-1);
  for (double v : {0.0004, 0.003, 0.2, 42.0}) {
    (*latency)->labels({"report-progress"}).observe(v);
  }

  testutil::TempDir dir;
  const auto file = dir.write("metrics.txt", registry.render());
  auto run = testutil::runCommand({kPython, "-c", kParse, file.string()});
  ASSERT_EQ(run.exitCode, 0) << run.output;
  auto parsed = nlohmann::json::parse(run.output, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << run.output;
  ASSERT_EQ(parsed.size(), 3u) << run.output;

  // Families come back sorted as we wrote them; the parser strips _total.
  const auto& gauge = parsed[0];
  EXPECT_EQ(gauge["name"], "sztp_onboarding_devices");
  EXPECT_EQ(gauge["type"], "gauge");
  EXPECT_EQ(gauge["samples"][0][1]["stage"], "completed");
  EXPECT_EQ(gauge["samples"][0][2], "12.5");
  EXPECT_EQ(gauge["samples"][1][2], "-1.0");

  const auto& histogram = parsed[1];
  EXPECT_EQ(histogram["name"], "sztp_request_duration_seconds");
  EXPECT_EQ(histogram["type"], "histogram");
  EXPECT_EQ(histogram["help"], "Latency.\nSeconds.");
  const auto& samples = histogram["samples"];
  ASSERT_EQ(samples.size(), defaultLatencyBuckets().size() + 3);
  EXPECT_EQ(samples[0][0], "sztp_request_duration_seconds_bucket");
  EXPECT_EQ(samples[0][1]["le"], "0.001");
  EXPECT_EQ(samples[0][2], "1.0");
  EXPECT_EQ(samples[2][1]["le"], "0.005");
  EXPECT_EQ(samples[2][2], "2.0");
  const auto& inf = samples[defaultLatencyBuckets().size()];
  EXPECT_EQ(inf[1]["le"], "+Inf");
  EXPECT_EQ(inf[2], "4.0");
  EXPECT_EQ(samples[samples.size() - 2][0], "sztp_request_duration_seconds_sum");
  EXPECT_EQ(samples[samples.size() - 2][2], "42.2034");
  EXPECT_EQ(samples.back()[0], "sztp_request_duration_seconds_count");
  EXPECT_EQ(samples.back()[2], "4.0");

  const auto& counter = parsed[2];
  EXPECT_EQ(counter["name"], "sztp_requests");
  EXPECT_EQ(counter["type"], "counter");
  EXPECT_EQ(counter["help"], "Requests \\ by \"outcome\".");
  ASSERT_EQ(counter["samples"].size(), 2u);
  EXPECT_EQ(counter["samples"][0][1]["endpoint"], "get-bootstrapping-data");
  EXPECT_EQ(counter["samples"][0][2], "41.0");
  EXPECT_EQ(counter["samples"][1][1]["endpoint"], "odd\"one\\\nout");
  EXPECT_EQ(counter["samples"][1][1]["outcome"], "error");
}

}  // namespace
}  // namespace sztp::metrics
