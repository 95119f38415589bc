#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "inventory/inventory_file.h"
#include "inventory/plan.h"
#include "inventory/voucher_check.h"
#include "registry/registry.h"

namespace sztp::inventory {

// Bulk import of devices and vouchers (docs/inventory.md, "Bulk import"):
// a CSV file, a JSON array, or a folder of .vcj vouchers. Reading turns the
// input into records, each naming its source line; planning merges them into
// the registry's devices and returns one batch of changes for
// Registry::apply (one transaction), with a count check and a report.

/// One device of an import. Only the fields the record gives are set; the
/// others keep the stored device's values (or the defaults, for a new device).
struct DeviceRecord {
  std::string source;  ///< "line 12", "[3]", "SN-0001.vcj": where it came from.
  std::string serialNumber;
  std::optional<std::string> deviceType;
  std::optional<std::string> owner;
  std::optional<std::string> activationCode;      ///< Clear; hashed when planned.
  std::optional<std::string> activationCodeHash;  ///< Already hashed.
  std::optional<Bytes> ownershipVoucher;
  std::optional<bool> enabled;
  std::optional<std::vector<registry::Response>> responses;
};

/// A record that could not be read or merged, and why.
struct RecordError {
  std::string source;
  Error error;
};

struct BulkInput {
  std::vector<DeviceRecord> records;
  std::vector<RecordError> errors;
  /// Records in the input, valid or not: what the count check compares.
  std::size_t count = 0;
};

struct BulkReadOptions {
  /// Reads voucher files named in a CSV (paths relative to the CSV) or the
  /// .vcj files of a folder.
  InventoryFiles files;
  /// Every voucher is decoded and must be for its record's serial number;
  /// with trust anchors its signature is verified too.
  VoucherCheckOptions vouchers;
  std::size_t maxInputBytes = std::size_t{1024} * 1024 * 1024;
  std::size_t maxVoucherBytes = std::size_t{1024} * 1024;
};

/// CSV with a header row naming the columns, in any order: serial-number
/// (required), device-type, owner, activation-code, activation-code-hash,
/// ownership-voucher (a .vcj path), enabled (true/false), onboarding-profile,
/// redirect-profile. An empty cell leaves the field as it is. A malformed
/// file (unterminated quote, unknown column) fails as a whole with
/// InventoryErrc::Invalid; a bad row is a RecordError naming its line.
Result<BulkInput> readDeviceCsv(std::string_view csv, const BulkReadOptions& options);

/// A JSON array of devices in the registry's JSON form (registry/json_codec.h),
/// with "activation-code" (clear) also accepted. Members a device object
/// leaves out keep their stored values. A bad element is a RecordError
/// naming its index; text that is not a JSON array fails as a whole.
Result<BulkInput> readDeviceJson(std::string_view json, const BulkReadOptions& options);

/// Ownership vouchers (.vcj), one record per file, the serial number taken
/// from the voucher. `paths` are read with options.files.read.
BulkInput readVoucherFiles(const std::vector<std::string>& paths, const BulkReadOptions& options);

struct BulkOptions {
  /// The number of records the input must hold; a mismatch refuses the import.
  std::optional<std::size_t> expectedCount;
  /// Apply the valid records even when some are invalid (default: refuse all).
  bool skipInvalid = false;
  /// For a new device that names none: its type (required then), owner and
  /// responses.
  std::string defaultDeviceType;
  std::string defaultOwner;
  std::vector<registry::Response> defaultResponses;
  SecretHasher hasher;  ///< Unset members: defaultSecretHasher().
};

struct BulkReport {
  std::size_t records = 0;
  std::vector<std::string> added;  ///< Serial numbers.
  std::vector<std::string> updated;
  std::vector<std::string> unchanged;
  std::vector<RecordError> errors;
  /// "1000 records: 990 added, 5 updated, 3 unchanged, 2 errors", then one
  /// line per error ("line 12: inventory-dangling-reference: ...").
  std::string summary() const;
};

struct BulkPlan {
  std::vector<registry::Change> changes;  ///< Empty when refused.
  BulkReport report;
  /// Set when nothing may be applied: CountMismatch, or BulkRejected when
  /// records are invalid and skipInvalid is off.
  std::optional<Error> refused;
};

/// Merges the records into the registry's devices. Each record is checked
/// as a device (registry/validation.h), its references against the registry
/// (device type, owner, response profiles), and a serial number given twice
/// is an error at its second record. Fails only when the registry cannot be
/// read.
Result<BulkPlan> planBulkImport(const BulkInput& input, registry::Registry& registry,
                                const BulkOptions& options = {});

}  // namespace sztp::inventory
