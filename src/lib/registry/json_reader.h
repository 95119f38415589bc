#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

// Internal: strict reading of one JSON object of the registry's JSON form
// (json_codec.h). Every accessor records the first problem, naming the key
// path ("responses[2].conditions[0].match"), and returns a default so that
// decoders read straight through and check ok() once at the end.

namespace sztp::registry {

class JsonReader {
 public:
  /// `path` is where `value` sits ("" for the top level). Fails unless
  /// `value` is an object.
  JsonReader(const nlohmann::json& value, std::string path);
  /// A nested reader sharing its parent's first error.
  JsonReader(const nlohmann::json& value, std::string path, const JsonReader& parent);

  std::string string(std::string_view key, bool required = false);
  bool boolean(std::string_view key, bool fallback);
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                       std::int64_t max);
  std::uint64_t unsignedInteger(std::string_view key, std::uint64_t fallback);
  Bytes base64(std::string_view key, bool required = false);
  std::optional<Bytes> optionalBase64(std::string_view key);
  Bytes hex(std::string_view key, bool required = false);
  std::vector<std::string> strings(std::string_view key);
  std::vector<Bytes> base64List(std::string_view key, bool required = false);
  /// Calls `item(value, path)` for each element of the array at `key`.
  void array(std::string_view key, bool required,
             const std::function<void(const nlohmann::json&, const std::string&)>& item);
  /// The value at `key` if present (marked as read), else nullptr.
  const nlohmann::json* raw(std::string_view key);
  /// One of `names` (indexed by the enum's value); `fallback` when absent.
  template <class E, std::size_t N>
  E enumeration(std::string_view key, const std::array<std::string_view, N>& names, E fallback,
                bool required = false);
  std::optional<std::size_t> enumIndex(std::string_view key, const std::string_view* names,
                                       std::size_t count, bool required);

  void fail(std::string_view pathOrKey, std::string_view problem, bool isKey = true);
  /// Records an error from a lower layer, prefixed with the key path.
  void fail(std::string_view key, const Error& error);
  std::string pathOf(std::string_view key) const;
  const std::string& path() const { return path_; }

  /// Fails on the first member no accessor read (strict decoding).
  void finish();
  bool ok() const { return !*error_; }
  Error error() const;

 private:
  const nlohmann::json* member(std::string_view key, bool required);

  const nlohmann::json& value_;
  std::string path_;
  std::shared_ptr<std::optional<Error>> error_;
  std::set<std::string, std::less<>> read_;
};

template <class E, std::size_t N>
E JsonReader::enumeration(std::string_view key, const std::array<std::string_view, N>& names,
                          E fallback, bool required) {
  const auto index = enumIndex(key, names.data(), N, required);
  return index ? static_cast<E>(*index) : fallback;
}

}  // namespace sztp::registry
