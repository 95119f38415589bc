#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sztp::config {

/// Reads one YAML mapping of a configuration file (sztp-server, sztp-agent),
/// refusing keys nobody asked for, so that a typo never silently falls back to
/// a default. Errors are CodecErrc::InvalidValue with the dotted key path and
/// the 1-based line of the offending node. Absent and null keys leave the
/// output untouched (the caller's default stands).
class Section {
 public:
  Section(YAML::Node node, std::string path) : node_(std::move(node)), path_(std::move(path)) {}

  Error error(const YAML::Node& at, const std::string& key, const std::string& what) const;

  /// Present and not null; also marks `key` as known.
  bool has(const std::string& key);
  YAML::Node get(const std::string& key) { return node_[key]; }
  std::string childPath(const std::string& key) const;
  /// A child mapping, for nested sections.
  Section child(const std::string& key) { return Section(get(key), childPath(key)); }

  Status scalar(const std::string& key, std::string& out);
  /// Relative paths are taken relative to `base` (the configuration file's folder).
  Status path(const std::string& key, std::filesystem::path& out,
              const std::filesystem::path& base);
  Status flag(const std::string& key, bool& out);
  Status count(const std::string& key, std::size_t& out, std::size_t min, std::size_t max);
  Status duration(const std::string& key, std::chrono::milliseconds& out);
  /// A list of single values; a lone scalar is a list of one.
  Status list(const std::string& key, std::vector<std::string>& out);
  Status paths(const std::string& key, std::vector<std::filesystem::path>& out,
               const std::filesystem::path& base);
  /// One of `allowed`.
  Status choice(const std::string& key, std::string& out,
                std::initializer_list<std::string_view> allowed);

  /// Marks `keys` as known and refuses any other, before values are read:
  /// a misspelt key is reported as such, not as the key it replaced missing.
  Status expectKeys(std::initializer_list<const char*> keys);
  /// Refuses keys that no accessor asked for.
  Status finish() const;

 private:
  YAML::Node node_;
  std::string path_;
  std::set<std::string> seen_;
};

/// Reads a whole configuration file: parses `yaml` (the text of the file at
/// `path`), requires its top level to be a mapping and hands that to `read`.
/// Every error, including a YAML syntax error (yaml-cpp gives its line and
/// column) and a yaml-cpp exception thrown inside `read`, is
/// CodecErrc::InvalidValue and starts with `path`.
Status readConfigFile(std::string_view yaml, const std::filesystem::path& path,
                      const std::function<Status(const YAML::Node& root)>& read);

/// "10s", "250ms", "2m", "1h" → milliseconds.
Result<std::chrono::milliseconds> parseDurationMs(std::string_view text);

}  // namespace sztp::config

/// Returns the error of a Status-returning expression from the enclosing function.
#define SZTP_TRY(expr)              \
  do {                              \
    if (auto _s = (expr); !_s) {    \
      return std::move(_s).error(); \
    }                               \
  } while (false)
