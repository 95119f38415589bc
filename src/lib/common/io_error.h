#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp {

/// Errors of the binaries' file handling (the libraries do no I/O). The
/// detail names the path and the system's reason.
enum class IoErrc {
  /// A file cannot be opened or read.
  FileUnreadable = 1,
  /// A file cannot be written, synced or renamed into place.
  FileUnwritable,
  /// A file exceeds the size limit for what it should hold.
  FileTooLarge,
  /// The output exists and overwriting was not asked for.
  FileExists,
};

const ReasonCategory& ioCategory() noexcept;

inline std::error_code make_error_code(IoErrc e) noexcept {
  return {static_cast<int>(e), ioCategory()};
}

}  // namespace sztp

template <>
struct std::is_error_code_enum<sztp::IoErrc> : std::true_type {};
