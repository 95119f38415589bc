// benchmark_main, except that the exit status reports failed benchmarks
// (Google Benchmark 1.7 exits 0 after SkipWithError).

#include <atomic>

#include "failure.h"

namespace sztp::bench {
namespace {
std::atomic<bool> failed{false};
}  // namespace

void fail(benchmark::State& state, const std::string& message) {
  failed = true;
  state.SkipWithError(message.c_str());
}

bool anyFailed() {
  return failed;
}

}  // namespace sztp::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return sztp::bench::anyFailed() ? 1 : 0;
}
