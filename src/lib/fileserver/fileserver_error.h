#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::fileserver {

/// Why the deployment file server refused to set up or to serve a file.
/// `statusFor()` gives the HTTP status of each.
enum class FileServerErrc {
  /// The configured root is not an existing, readable directory (create()).
  RootUnusable = 1,
  /// No file at that path, or a hidden file (a segment starting with '.'). 404.
  FileNotFound,
  /// The path names a directory, device, socket or FIFO; only regular files are served. 403.
  NotRegularFile,
  /// The path leads outside the root through a symbolic link. 403.
  OutsideRoot,
  /// The file exists but the server may not read it (permissions). 403.
  FileUnreadable,
  /// The authorize callback refused the client (its own reason is in the detail). 403.
  ClientNotAuthorized,
};

const ReasonCategory& fileServerCategory() noexcept;

inline std::error_code make_error_code(FileServerErrc e) noexcept {
  return {static_cast<int>(e), fileServerCategory()};
}

int statusFor(FileServerErrc e) noexcept;

}  // namespace sztp::fileserver

template <>
struct std::is_error_code_enum<sztp::fileserver::FileServerErrc> : std::true_type {};
