// Many threads recording and one rendering at the same time: no count is
// lost and the exposition stays well-formed (run under TSan/ASan in CI).
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "metrics/metrics_registry.h"

namespace sztp::metrics {
namespace {

TEST(MetricsConcurrency, NoIncrementIsLost) {
  MetricsRegistry registry;
  auto counter = registry.addCounter("c_total", "c", {"worker", "outcome"});
  auto gauge = registry.addGauge("g", "g");
  auto histogram = registry.addHistogram("h_seconds", "h", {"outcome"}, {0.5, 1});
  ASSERT_TRUE(counter && gauge && histogram);

  constexpr int kThreads = 8;
  constexpr int kIterations = 20000;
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done.load()) {
      const std::string text = registry.render();
      EXPECT_EQ(text.back(), '\n');
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      const std::string worker = std::to_string(t % 2);  // Threads share series.
      for (int i = 0; i < kIterations; ++i) {
        // Looked up each time on purpose: exercises the series map under contention.
        (*counter)->labels({worker, i % 3 == 0 ? "error" : "ok"}).inc();
        (*gauge)->labels({}).inc();
        (*histogram)->labels({i % 2 == 0 ? "ok" : "error"}).observe(i % 4 * 0.5);
        (*gauge)->labels({}).dec();
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  done = true;
  scraper.join();

  std::uint64_t total = 0;
  for (const char* worker : {"0", "1"}) {
    for (const char* outcome : {"ok", "error"}) {
      total += (*counter)->labels({worker, outcome}).value();
    }
  }
  EXPECT_EQ(total, std::uint64_t{kThreads} * kIterations);
  EXPECT_EQ((*gauge)->labels({}).value(), 0);
  const auto ok = (*histogram)->labels({"ok"}).snapshot();
  const auto error = (*histogram)->labels({"error"}).snapshot();
  EXPECT_EQ(ok.count + error.count, std::uint64_t{kThreads} * kIterations);
  // Values 0, 0.5, 1, 1.5 in turn: "ok" gets 0 and 1, "error" 0.5 and 1.5.
  EXPECT_EQ(ok.cumulative, (std::vector<std::uint64_t>{ok.count / 2, ok.count, ok.count}));
  EXPECT_EQ(ok.sum, static_cast<double>(ok.count / 2));
  EXPECT_EQ(error.cumulative,
            (std::vector<std::uint64_t>{error.count / 2, error.count / 2, error.count}));
}

}  // namespace
}  // namespace sztp::metrics
