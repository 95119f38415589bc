#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace sztp::admin {

/// A request's query string, percent-decoded ('+' is a space, as HTML forms
/// and curl --data-urlencode send it). Parameters are looked up by name; a
/// repeated name keeps its first value.
class Query {
 public:
  /// Fails with AdminErrc::InvalidParameter on malformed percent-encoding, a
  /// control character, or a parameter not in `allowed` (so a typo such as
  /// `device_type=` is an error, not a silently ignored filter).
  static Result<Query> parse(std::string_view query,
                             std::initializer_list<std::string_view> allowed);

  std::optional<std::string> get(std::string_view name) const;
  std::string getOr(std::string_view name, std::string fallback) const;

  /// An integer parameter in [min, max]; `fallback` when absent.
  Result<std::int64_t> integer(std::string_view name, std::int64_t fallback, std::int64_t min,
                               std::int64_t max) const;
  /// "true"/"false"/"1"/"0"/"" (present without a value means true).
  Result<bool> boolean(std::string_view name, bool fallback) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

/// Percent-decodes one component; nullopt on a malformed escape.
std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace);

/// Percent-encodes everything outside RFC 3986 unreserved characters, for
/// building paths and queries (the CLI, Location headers).
std::string percentEncode(std::string_view text);

}  // namespace sztp::admin
