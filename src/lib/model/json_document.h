#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/result.h"
#include "model/encoding.h"

// Internal: turns untrusted RFC 7951 text into a DOM, safely.

namespace sztp::model {

/// Objects keep their members in document order, so that anydata content
/// (restconf error-info) is kept as written and encoders emit schema order.
using Json = nlohmann::ordered_json;

/// Parses `text` with every limit applied before a DOM is built (maxBytes,
/// then maxDepth by a linear scan), refuses duplicate member names in any
/// object (RFC 8259 §4 leaves them undefined; nlohmann would keep the last),
/// and requires the top-level value to be an object. Never throws.
/// Errors: InputTooLarge, InputTooDeep, MalformedJson, DuplicateNode,
/// UnexpectedDocument.
Result<Json> parseJsonDocument(std::string_view text, const ParseLimits& limits);

/// Serialises for output: two-space indentation, UTF-8 kept as is, invalid
/// UTF-8 replaced rather than thrown on (inputs are validated on parse, so
/// this only matters for structs built by hand).
std::string dumpJson(const Json& value, int indent = 2);

}  // namespace sztp::model
