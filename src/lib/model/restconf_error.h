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
  std::optional<std::string> errorPath;  ///< instance-identifier text.
  std::optional<std::string> errorMessage;
  /// anydata `error-info`, kept as the serialized content of the node in the
  /// document's own encoding (JSON object text, or the XML children text).
  std::optional<std::string> errorInfo;
  bool operator==(const RestconfError&) const = default;
};

struct RestconfErrors {
  std::vector<RestconfError> errors;  ///< At least one.
  bool operator==(const RestconfErrors&) const = default;
};

/// {"ietf-restconf:errors": {"error": [...]}} /
/// <errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf">. error-type must
/// be one of the four enum values and error-tag is mandatory.
Result<RestconfErrors> parseRestconfErrors(std::string_view text, Encoding encoding,
                                           const ParseLimits& limits = {});
std::string encodeRestconfErrors(const RestconfErrors& errors, Encoding encoding);

/// The HTTP status RFC 8040 §7 assigns to an error-tag (e.g. access-denied 401
/// when unauthenticated is the caller's choice; this returns 403 for it, the
/// table's value), or 500 for an unknown tag.
int httpStatusForErrorTag(std::string_view errorTag);

}  // namespace sztp::model
