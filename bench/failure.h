#pragma once

#include <benchmark/benchmark.h>

#include <string>

namespace sztp::bench {

/// Stops `state` with `message` (Google Benchmark prints it in place of the
/// figures) and makes the program exit with status 1: a benchmark of a
/// failing path is worthless, and scripts and CI only see the exit status.
void fail(benchmark::State& state, const std::string& message);

/// Whether any benchmark of this run called fail().
bool anyFailed();

}  // namespace sztp::bench
