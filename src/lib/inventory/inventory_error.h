#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::inventory {

/// Errors of the declarative inventory and bulk imports (category
/// "sztp.inventory"). The detail names where: a YAML path and line
/// ("devices[3].responses[0].profile (line 57)"), a CSV line, a file name.
enum class InventoryErrc {
  /// The YAML is malformed or breaks the inventory format (unknown key,
  /// wrong type, missing key, invalid value).
  Invalid = 1,
  /// The YAML declares a format version this sztp does not know.
  UnsupportedVersion,
  /// The input exceeds a parsing limit (size, nesting, node count) or uses
  /// YAML anchors and aliases, which the inventory refuses.
  LimitExceeded,
  /// A file the inventory or import names cannot be read.
  FileUnreadable,
  /// An ownership voucher cannot be decoded, is for another serial number,
  /// or its signature does not verify against the MASA trust anchors.
  VoucherInvalid,
  /// A reference names an object that neither the file nor the registry has.
  DanglingReference,
  /// A bulk import holds a different number of records than expected.
  CountMismatch,
  /// Some records of a bulk import are invalid; nothing was applied.
  BulkRejected,
};

const ReasonCategory& inventoryCategory() noexcept;

inline std::error_code make_error_code(InventoryErrc e) noexcept {
  return {static_cast<int>(e), inventoryCategory()};
}

}  // namespace sztp::inventory

template <>
struct std::is_error_code_enum<sztp::inventory::InventoryErrc> : std::true_type {};
