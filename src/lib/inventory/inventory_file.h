#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "inventory/voucher_check.h"
#include "inventory/yaml_tree.h"
#include "registry/inventory.h"

namespace sztp::inventory {

/// A device as the inventory states it. The activation code may be given in
/// clear; it is hashed only when the plan is made (plan.h), where a code that
/// matches the stored hash keeps that hash, so that re-applying the same file
/// changes nothing although hashes are salted.
struct InventoryDevice {
  registry::Device device;     ///< activationCodeHash set when given as a hash.
  std::string activationCode;  ///< Clear text, when given so; "" otherwise.
  /// False when the inventory says nothing about the activation code (bulk
  /// imports that update other fields); the stored hash is then kept.
  bool activationCodeGiven = true;
};

/// Everything an inventory file declares, as registry values.
struct Inventory {
  /// Objects in kind order (device types, owners, images, scripts,
  /// configurations, onboarding profiles, redirect profiles), each kind in
  /// file order.
  std::vector<registry::InventoryObject> objects;
  std::vector<InventoryDevice> devices;
  /// Where each reference was written, for messages made after parsing:
  /// "devices[3].responses[0].profile" -> "devices[3].responses[0].profile (line 57)".
  std::map<std::string, std::string> locations;
};

/// SHA-256 and size of a file, computed by streaming (boot images are large).
struct FileDigest {
  Bytes sha256;
  std::uint64_t size = 0;
};

/// How the parser reaches the files an inventory names. Paths are as written
/// in the YAML; the caller resolves relative ones against the YAML file's
/// folder (the library does no I/O).
struct InventoryFiles {
  std::function<Result<Bytes>(const std::string& path)> read;
  std::function<Result<FileDigest>(const std::string& path)> digest;
  /// The form in which a private key path (an owner's signing-key, an LDevID
  /// policy's ca-key) is stored (the server opens it later, from its own
  /// working directory): the CLI makes a relative path
  /// absolute and must leave an absolute one unchanged (so that an exported
  /// inventory re-applies with no change). Unset: stored as written.
  std::function<std::string(const std::string& path)> resolve;
};

struct ParseOptions {
  YamlLimits limits;
  /// Largest file read whole (certificates, vouchers, scripts, configurations).
  std::size_t maxFileBytes = std::size_t{32} * 1024 * 1024;
  /// How ownership vouchers are checked at parse time: with MASA trust
  /// anchors, a voucher whose signature does not verify to one of them is
  /// refused here rather than by the device later (D23).
  VoucherCheckOptions vouchers;
};

/// Parses a declarative inventory (docs/inventory.md): `version: 1`, then
/// any of device-types, owners, images, scripts, configurations,
/// onboarding-profiles, redirect-profiles, devices. Strict: unknown keys,
/// duplicate keys or names, wrong types and invalid values fail with
/// InventoryErrc::Invalid and a detail naming the YAML path and line
/// ("devices[3].responses[0].profile (line 57): ..."); unreadable files with
/// FileUnreadable; a voucher that does not decode or names another serial
/// number with VoucherInvalid. Every object and device passes the registry's
/// own validation (registry/validation.h). References between objects are
/// checked by planApply, against the file and the registry together.
Result<Inventory> parseInventory(std::string_view yaml, const InventoryFiles& files,
                                 const ParseOptions& options = {});

}  // namespace sztp::inventory
