#!/usr/bin/env bash
# The project's test command (README quick start; .ci/run calls it):
# installs what is missing, builds and runs every test.
#   1. GCC 12 with AddressSanitizer + UndefinedBehaviorSanitizer, warnings as
#      errors: every unit, interop, conformance and corpus test (ctest).
#   2. clang-format and clang-tidy (scripts/lint.sh).
#   3. Clang 14 with libFuzzer: proves the Clang build, then runs each fuzz
#      target briefly from its seed corpus (SZTP_FUZZ_SECONDS, default 10).
# Build trees: build-asan/ and build-fuzz/. Logs of failed tests are printed.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs=$(nproc)
fuzz_seconds=${SZTP_FUZZ_SECONDS:-10}

scripts/install-deps.sh

echo "== GCC + ASan/UBSan: build and test"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
# ASan's leak checker needs ptrace-free /proc access; it works as root in CI.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --preset asan -j "$jobs"

echo "== Style and static checks (clang-format, clang-tidy)"
scripts/lint.sh build-asan

echo "== Clang + libFuzzer: build and fuzz each target for ${fuzz_seconds}s"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
for fuzzer in build-fuzz/bin/fuzz_*; do
  name=${fuzzer##*/fuzz_}
  corpus=src/fuzz/corpus/$name
  work=$(mktemp -d)
  log=$(mktemp)
  echo "-- $name"
  # New inputs go to a scratch directory: the checked-in corpus only changes by review.
  status=0
  "$fuzzer" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$PWD/fuzz-$name-" "$work" "$corpus" >"$log" 2>&1 ||
    status=$?
  grep -E "stat::number_of_executed_units|cov:.*DONE" "$log" || true
  rm -rf "$work"
  if [[ $status -ne 0 ]]; then
    tail -60 "$log" >&2
    echo "fuzz target $name failed (exit $status); the input is saved as fuzz-$name-*" >&2
    exit 1
  fi
  rm -f "$log"
done
echo "== all tests passed"
