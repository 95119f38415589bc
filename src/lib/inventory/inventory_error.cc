#include "inventory/inventory_error.h"

#include <array>

namespace sztp::inventory {
namespace {

constexpr std::array kReasons{
    ReasonInfo{static_cast<int>(InventoryErrc::Invalid), "inventory-invalid",
               "the inventory is not valid; fix the key named in the detail (docs/inventory.md "
               "describes every key)"},
    ReasonInfo{static_cast<int>(InventoryErrc::UnsupportedVersion), "inventory-unsupported-version",
               "the inventory declares a format version this sztp does not know; write "
               "'version: 1'"},
    ReasonInfo{static_cast<int>(InventoryErrc::LimitExceeded), "inventory-limit-exceeded",
               "the input is too large or too deeply nested, or uses YAML anchors or aliases, "
               "which inventories refuse; split it or write the values out"},
    ReasonInfo{static_cast<int>(InventoryErrc::FileUnreadable), "inventory-file-unreadable",
               "a file named in the inventory or import cannot be read; paths are relative to "
               "the inventory file"},
    ReasonInfo{static_cast<int>(InventoryErrc::VoucherInvalid), "inventory-voucher-invalid",
               "an ownership voucher cannot be decoded, is for another serial number, or is "
               "not signed by a trusted MASA; give each device its own valid voucher"},
    ReasonInfo{static_cast<int>(InventoryErrc::DanglingReference), "inventory-dangling-reference",
               "a reference names an object that neither the inventory nor the registry has; "
               "add it or fix the name"},
    ReasonInfo{static_cast<int>(InventoryErrc::CountMismatch), "inventory-count-mismatch",
               "the import holds a different number of records than expected; nothing was "
               "applied; check the file is complete"},
    ReasonInfo{static_cast<int>(InventoryErrc::BulkRejected), "inventory-bulk-rejected",
               "some records of the import are invalid (each is listed with its line); nothing "
               "was applied"},
};

}  // namespace

const ReasonCategory& inventoryCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.inventory", kReasons);
  return category;
}

}  // namespace sztp::inventory
