#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// Internal: the checks on operator-supplied regular expressions (serial rule
// patterns, response conditions) before they are stored and later compiled by
// the bootstrap server for every device request.

namespace sztp::registry {

/// Longest pattern accepted. libstdc++'s std::regex compiles recursively and
/// builds one NFA state per repeated atom, so a bound on the text is the first
/// defence against a pattern that exhausts stack or memory.
inline constexpr std::size_t kMaxPatternLength = 256;

/// Upper bound on the NFA states a pattern may expand to, estimated from its
/// bounded repetitions ("(a{100}){100}" is 10,000 states in libstdc++).
inline constexpr std::size_t kMaxPatternCost = 4096;

/// Why `pattern` is refused as an ECMAScript regex: too long, too costly to
/// expand, does not compile, or (with `needCaptureGroup`) has no capture
/// group. Nothing when it is accepted.
std::optional<std::string> regexProblem(std::string_view pattern, bool needCaptureGroup);

}  // namespace sztp::registry
