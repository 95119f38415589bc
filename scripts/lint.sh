#!/usr/bin/env bash
# Style and static checks (docs/architecture.md, "Naming and style"):
# clang-format must leave every C++ file unchanged, and clang-tidy's
# error-class checks (.clang-tidy WarningsAsErrors) must pass on every library
# and binary source. Needs a compile database: pass the build directory
# (default build-asan, which scripts/test.sh configures first).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}

files=$(git ls-files '*.cc' '*.h')
if ! clang-format --dry-run --Werror $files; then
  echo "lint: run clang-format -i on the files above" >&2
  exit 1
fi
echo "lint: clang-format clean"

sources=$(git ls-files 'src/*.cc' | grep -v -e '/tests/' -e '^src/fuzz/')
# -quiet: only findings; WarningsAsErrors turn the chosen checks into a failing exit.
if ! printf '%s\n' $sources | xargs -P "$(nproc)" -n 8 clang-tidy -p "$build" --quiet \
    2> >(grep -v -e "warnings generated" -e "^Suppressed" -e "Use -header-filter" >&2); then
  echo "lint: clang-tidy found errors" >&2
  exit 1
fi
echo "lint: clang-tidy clean"
