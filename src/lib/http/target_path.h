#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sztp::http {

/// A request path longer than this is refused (HttpErrc::MalformedTarget).
inline constexpr std::size_t kMaxTargetPathBytes = 4096;

/// Percent-decodes the path of a request target (Request::path(), no query)
/// into its segments, for handlers that map paths onto a tree (the file
/// server). Refuses, so no later step can be tricked into leaving a root:
/// - HttpErrc::MalformedTarget: not starting with '/', a '%' not followed by
///   two hex digits, a control character (< 0x20 or 0x7f) raw or decoded,
///   longer than kMaxTargetPathBytes;
/// - HttpErrc::TargetEscapesRoot: a "." or ".." segment (raw or encoded, e.g.
///   "%2e%2e"), or an encoded '/' (%2F), '\' (raw or %5C) or NUL (%00).
/// Empty segments ("//", a trailing '/') are dropped: "/" gives no segment.
Result<std::vector<std::string>> decodePathSegments(std::string_view path);

}  // namespace sztp::http
