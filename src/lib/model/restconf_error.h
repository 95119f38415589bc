#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "model/encoding.h"

namespace sztp::model {

/// ietf-restconf `errors` (RFC 8040 §7.1, yang-data `yang-errors`).
struct RestconfError {
  std::string errorType;  ///< "transport" | "rpc" | "protocol" | "application".
  std::string errorTag;   ///< e.g. "access-denied", "invalid-value", "malformed-message".
  std::optional<std::string> errorAppTag;
  /// instance-identifier text. From XML, prefixes bound to a known module are
  /// rewritten to the module name (declared again by the XML encoder).
  std::optional<std::string> errorPath;
  std::optional<std::string> errorMessage;
  /// anydata `error-info`, kept as the serialized content of the node in the
  /// document's own encoding: the compact JSON object text, or the child
  /// elements as canonical XML, each top-level child carrying the namespace
  /// declarations in scope so the fragment stands alone. The encoder writes it
  /// back only where it fits: JSON embeds it if it parses as an object, XML
  /// if it is a well-formed fragment of elements; otherwise it is omitted.
  std::optional<std::string> errorInfo;
  bool operator==(const RestconfError&) const = default;
};

struct RestconfErrors {
  std::vector<RestconfError> errors;  ///< At least one.
  bool operator==(const RestconfErrors&) const = default;
};

/// {"ietf-restconf:errors": {"error": [...]}} /
/// <errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf">. error-type must
/// be one of the four enum values and error-tag is mandatory; at least one
/// error is required (RFC 8040 §7.1 text; the module sets no min-elements).
Result<RestconfErrors> parseRestconfErrors(std::string_view text, Encoding encoding,
                                           const ParseLimits& limits = {});
std::string encodeRestconfErrors(const RestconfErrors& errors, Encoding encoding);

/// The HTTP status RFC 8040 §7 assigns to an error-tag (e.g. access-denied 401
/// when unauthenticated is the caller's choice; this returns 403 for it, the
/// table's value), or 500 for an unknown tag.
int httpStatusForErrorTag(std::string_view errorTag);

}  // namespace sztp::model
