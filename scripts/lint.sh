#!/usr/bin/env bash
# Style and static checks (docs/architecture.md, "Naming and style"):
# clang-format must leave every C++ file unchanged, and clang-tidy's
# error-class checks (.clang-tidy WarningsAsErrors) must pass on every library
# and binary source. Needs a compile database: pass the build directory
# (default build-asan, which scripts/test.sh configures first).
#   scripts/lint.sh [BUILD_DIR] [--all]
# By default clang-tidy runs only the error-class checks, the gate (about a
# sixth of the time: the clang-analyzer-* advice is most of the cost, and
# advice never fails the gate). --all runs every check of .clang-tidy and
# prints the advice as well.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-asan
all=0
for arg in "$@"; do
  case $arg in
    --all) all=1 ;;
    *) build=$arg ;;
  esac
done
# The gate's checks, read from .clang-tidy so that the list lives in one place.
gate=$(awk '/^WarningsAsErrors:/{f=1; next} f && /^[A-Za-z]/{f=0} f {gsub(/[ ,]/, ""); if ($0 != "") print}' .clang-tidy |
  paste -sd, -)
tidy_checks=()
if [[ $all -eq 0 ]]; then
  tidy_checks=(--checks="-*,$gate")
fi

files=$(git ls-files '*.cc' '*.h')
if ! clang-format --dry-run --Werror $files; then
  echo "lint: run clang-format -i on the files above" >&2
  exit 1
fi
echo "lint: clang-format clean"

sources=$(git ls-files 'src/*.cc' 'lab/*.cc' | grep -v -e '/tests/' -e '^src/fuzz/')
# -quiet: only findings; WarningsAsErrors turn the chosen checks into a failing exit.
if ! printf '%s\n' $sources | xargs -P "$(nproc)" -n 8 clang-tidy -p "$build" "${tidy_checks[@]}" --quiet \
    2> >(grep -v -e "warnings generated" -e "^Suppressed" -e "Use -header-filter" >&2); then
  echo "lint: clang-tidy found errors" >&2
  exit 1
fi
echo "lint: clang-tidy clean"
