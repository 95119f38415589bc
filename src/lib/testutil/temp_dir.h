#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace sztp::testutil {

/// A fresh directory per test, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

  /// Writes `content` to `name` (creating parent directories); returns the path.
  std::filesystem::path write(std::string_view name, std::string_view content) const;
  std::filesystem::path write(std::string_view name, ByteView content) const;

 private:
  std::filesystem::path path_;
};

Bytes readFile(const std::filesystem::path& path);
std::string readText(const std::filesystem::path& path);

}  // namespace sztp::testutil
