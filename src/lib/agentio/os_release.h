#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sztp::agentio {

inline constexpr std::size_t kMaxOsReleaseBytes = 64 * 1024;

/// Parses os-release(5): KEY=VALUE lines, '#' comments, values bare or in
/// single or double quotes (in double quotes `\"`, `\\`, `\$` and `` \` ``
/// are escapes). As the format asks, lines that do not parse are ignored,
/// and a later assignment wins. CodecErrc::InputTooLarge beyond
/// kMaxOsReleaseBytes; values are capped at 1024 bytes (longer ones skipped).
Result<std::map<std::string, std::string>> parseOsRelease(std::string_view text);

}  // namespace sztp::agentio
