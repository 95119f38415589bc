#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::artifact {

/// Errors from creating artifacts (the manufacturer's and owner's side).
enum class ArtifactErrc {
  /// The requested voucher or conveyed information would break RFC 8366/8572
  /// (e.g. expires-on after the pinned certificate's notAfter, A11).
  InvalidRequest = 1,
  /// The conveyed-information description (YAML/JSON) is malformed; the
  /// detail names the key.
  InvalidDescription,
  /// A file named in a description cannot be read.
  FileUnreadable,
};

const ReasonCategory& artifactCategory() noexcept;

inline std::error_code make_error_code(ArtifactErrc e) noexcept {
  return {static_cast<int>(e), artifactCategory()};
}

}  // namespace sztp::artifact

template <>
struct std::is_error_code_enum<sztp::artifact::ArtifactErrc> : std::true_type {};
