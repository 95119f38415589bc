#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "registry/inventory.h"

// Internal: rows of the SQLite schema to and from values. Bodies are the
// registry JSON form (json_codec.h), secrets included; a device's body leaves
// out what the server maintains (stage, last seen) and the voucher, which
// live in columns.

namespace sztp::registry::sqlite {

std::string objectBody(const InventoryObject& object);
/// Fails with storage-corrupt: a stored body is always one this code wrote.
Result<InventoryObject> objectFromRow(ObjectKind kind, std::string_view name,
                                      std::string_view body);

std::string deviceBody(const Device& device);
Result<Device> deviceFromRow(std::string_view serial, std::string_view body, std::string_view stage,
                             std::int64_t lastSeenMs, std::optional<Bytes> voucher);

}  // namespace sztp::registry::sqlite
