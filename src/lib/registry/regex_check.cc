#include "registry/regex_check.h"

#include <regex>
#include <vector>

namespace sztp::registry {
namespace {

// Saturating arithmetic: the estimate only has to know it passed the limit.
std::size_t capped(std::size_t value) {
  return value > kMaxPatternCost * 16 ? kMaxPatternCost * 16 : value;
}

/// Reads "{n}", "{n,}" or "{n,m}" at `pattern[i]` (which is '{'); returns the
/// largest repetition count it allows (n + 1 for "{n,}", whose tail is a loop)
/// and moves `i` past it. Nothing when the brace is not a quantifier; std::regex
/// then decides whether the text compiles.
std::optional<std::size_t> readBraceBound(std::string_view pattern, std::size_t& i) {
  std::size_t j = i + 1;
  std::size_t low = 0;
  std::size_t high = 0;
  bool haveDigits = false;
  while (j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9') {
    low = capped(low * 10 + static_cast<std::size_t>(pattern[j] - '0'));
    haveDigits = true;
    ++j;
  }
  if (!haveDigits) {
    return std::nullopt;
  }
  high = low;
  if (j < pattern.size() && pattern[j] == ',') {
    ++j;
    bool haveHigh = false;
    std::size_t value = 0;
    while (j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9') {
      value = capped(value * 10 + static_cast<std::size_t>(pattern[j] - '0'));
      haveHigh = true;
      ++j;
    }
    high = haveHigh ? value : low + 1;
  }
  if (j >= pattern.size() || pattern[j] != '}') {
    return std::nullopt;
  }
  i = j;
  return high < 1 ? 1 : high;
}

/// The number of NFA states `pattern` expands to, overestimated: each atom
/// counts one, a group counts the sum of its contents, and a bounded
/// repetition multiplies the preceding atom or group by its upper bound.
std::size_t estimateCost(std::string_view pattern) {
  struct Frame {
    std::size_t total = 0;
    std::size_t last = 0;  // Cost of the atom or group a quantifier would apply to.
  };
  std::vector<Frame> stack(1);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    Frame& frame = stack.back();
    const char c = pattern[i];
    if (c == '\\') {
      ++i;  // The escaped character (or class such as \d) is one atom.
      frame.total = capped(frame.total + 1);
      frame.last = 1;
    } else if (c == '[') {
      // A bracket expression is one atom; skip to its closing ']', which may
      // appear first ("[]a]") and may be escaped.
      std::size_t j = i + 1;
      if (j < pattern.size() && pattern[j] == '^') {
        ++j;
      }
      if (j < pattern.size() && pattern[j] == ']') {
        ++j;
      }
      while (j < pattern.size() && pattern[j] != ']') {
        j += pattern[j] == '\\' ? 2 : 1;
      }
      i = j;
      frame.total = capped(frame.total + 1);
      frame.last = 1;
    } else if (c == '(') {
      stack.emplace_back();
    } else if (c == ')') {
      if (stack.size() > 1) {
        const std::size_t group = stack.back().total + 1;
        stack.pop_back();
        stack.back().total = capped(stack.back().total + group);
        stack.back().last = group;
      }
    } else if (c == '{') {
      std::size_t j = i;
      if (const auto bound = readBraceBound(pattern, j)) {
        i = j;
        frame.total = capped(frame.total + frame.last * (*bound - 1));
        frame.last = capped(frame.last * *bound);
      } else {
        frame.total = capped(frame.total + 1);
        frame.last = 1;
      }
    } else if (c == '+') {
      // libstdc++ compiles "x+" as "xx*": the operand is copied.
      frame.total = capped(frame.total + frame.last + 1);
      frame.last = capped(frame.last * 2);
    } else if (c == '*' || c == '?') {
      frame.total = capped(frame.total + 1);
    } else if (c == '|') {
      frame.last = 0;
    } else {
      frame.total = capped(frame.total + 1);
      frame.last = 1;
    }
  }
  std::size_t total = 0;
  for (const auto& frame : stack) {
    total = capped(total + frame.total);
  }
  return total;
}

}  // namespace

std::optional<std::string> regexProblem(std::string_view pattern, bool needCaptureGroup) {
  if (pattern.size() > kMaxPatternLength) {
    return "pattern is longer than " + std::to_string(kMaxPatternLength) + " characters";
  }
  if (estimateCost(pattern) > kMaxPatternCost) {
    return "pattern repeats too much (bounded repetitions expand beyond " +
           std::to_string(kMaxPatternCost) + " states)";
  }
  try {
    const std::regex compiled(pattern.begin(), pattern.end(), std::regex::ECMAScript);
    if (needCaptureGroup && compiled.mark_count() < 1) {
      return "pattern has no capture group (the first group is the serial number)";
    }
  } catch (const std::regex_error& e) {
    return std::string("pattern does not compile: ") + e.what();
  } catch (const std::exception& e) {
    // std::bad_alloc and the like: refuse the pattern rather than the process.
    return std::string("pattern cannot be compiled: ") + e.what();
  }
  return std::nullopt;
}

}  // namespace sztp::registry
