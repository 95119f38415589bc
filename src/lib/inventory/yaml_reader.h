#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "inventory/inventory_error.h"
#include "inventory/yaml_tree.h"

// Internal: strict reading of the inventory's YAML mappings. Like the
// registry's JsonReader, every accessor records the first problem, naming
// the key path and line ("devices[3].responses[0].profile (line 57)"), and
// returns a default, so that readers go straight through and check ok() once.

namespace sztp::inventory {

/// The first error of a whole parse, shared by every reader.
class ErrorSink {
 public:
  bool ok() const { return !error_; }
  void fail(const std::string& where, std::string_view problem,
            InventoryErrc code = InventoryErrc::Invalid);
  void fail(const std::string& where, const Error& cause, InventoryErrc code);
  Error error() const;

 private:
  std::optional<Error> error_;
};

/// "path (line N)".
std::string location(const std::string& path, int line);
std::string joinPath(const std::string& path, std::string_view key);
std::string indexPath(const std::string& path, std::size_t index);

class MapReader {
 public:
  /// Fails unless `node` is a mapping with scalar keys, each once, each one of
  /// `allowed`.
  MapReader(const YamlNode& node, std::string path, std::initializer_list<std::string_view> allowed,
            ErrorSink& sink);

  /// The value at `key`, or nullptr when absent or null (`key:` with nothing).
  const YamlNode* get(std::string_view key) const;
  /// Fails (naming the key) when absent; returns nullptr then.
  const YamlNode* require(std::string_view key);

  std::string string(std::string_view key, bool required = false);
  bool boolean(std::string_view key, bool fallback);
  std::optional<std::uint64_t> unsignedInteger(std::string_view key, std::uint64_t max);
  /// A scalar or a list of scalars.
  std::vector<std::string> strings(std::string_view key);

  std::string pathOf(std::string_view key) const { return joinPath(path_, key); }
  /// "path.key (line N)", the line of the value when present, else of the map.
  std::string where(std::string_view key) const;
  const std::string& path() const { return path_; }
  int line() const { return node_.line; }
  void fail(std::string_view key, std::string_view problem,
            InventoryErrc code = InventoryErrc::Invalid);
  ErrorSink& sink() { return sink_; }

 private:
  const YamlNode& node_;
  std::string path_;
  ErrorSink& sink_;
};

/// A scalar's text, or a failure at `where` naming what was expected.
std::optional<std::string> scalarText(const YamlNode& node, const std::string& where,
                                      ErrorSink& sink);

}  // namespace sztp::inventory
