#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/result.h"

namespace sztp::admin {

/// Parses an admin request body as JSON, never throwing: nesting deeper than
/// `maxDepth` is refused by a linear pre-scan before any DOM is built, and a
/// member name repeated within one object is refused (RFC 8259 §4 leaves its
/// meaning open; nlohmann would keep the last silently). Errors:
/// AdminErrc::MalformedBody with the byte offset and what was wrong.
Result<nlohmann::json> parseJsonBody(std::string_view text, std::size_t maxDepth);

/// Deepest nesting of arrays/objects in `text` (strings skipped), stopping
/// as soon as it exceeds `limit`.
std::size_t jsonDepth(std::string_view text, std::size_t limit);

}  // namespace sztp::admin
