#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::registry {

/// Errors of the server's storage and inventory (category "sztp.registry").
/// The detail names the object ("device SN123", "owner acme: certificate-chain[0]").
enum class RegistryErrc {
  /// The named object or device does not exist.
  NotFound = 1,
  /// The object is still referenced (by a device, response or profile).
  InUse,
  /// A reference names an object that does not exist or has the wrong kind.
  DanglingReference,
  /// An object's field is missing or malformed.
  InvalidObject,
  /// The storage backend failed (I/O, locking, constraint); see the detail.
  StorageFailure,
  /// The database was written by a newer sztp-server (schema version ahead).
  SchemaTooNew,
  /// The database file is not a registry or is damaged.
  StorageCorrupt,
};

const ReasonCategory& registryCategory() noexcept;

inline std::error_code make_error_code(RegistryErrc e) noexcept {
  return {static_cast<int>(e), registryCategory()};
}

}  // namespace sztp::registry

template <>
struct std::is_error_code_enum<sztp::registry::RegistryErrc> : std::true_type {};
