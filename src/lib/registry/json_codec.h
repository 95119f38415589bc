#pragma once

#include <nlohmann/json_fwd.hpp>

#include "common/result.h"
#include "registry/inventory.h"
#include "registry/records.h"

namespace sztp::registry {

// The one JSON form of every inventory value: stored by backends, sent and
// received by the admin API, and the shape the YAML inventory maps onto
// (docs/inventory.md). Keys are kebab-case; binary values (certificates,
// vouchers, script and configuration content) are padded base64, except
// `sha256` which is lowercase hex. Decoding is strict: an unknown key, a
// missing mandatory key or a wrong type fails with `invalid-object` and a
// detail naming the key path ("responses[2].conditions[0].match").
//
// Example device:
//   {"serial-number": "SN1", "device-type": "dpu", "owner": "acme",
//    "ownership-voucher": "MIIG...", "enabled": true,
//    "responses": [{"name": "lab", "conditions": [{"field": "source-address",
//      "match": "subnet", "value": "10.0.0.0/8"}], "kind": "redirect",
//      "profile": "lab-redirect", "sign": true}],
//    "stage": "registered", "last-seen-ms": 0}
// `activation-code-hash` is written by toJson only when `includeSecrets`.

nlohmann::json toJson(const InventoryObject& object);
Result<InventoryObject> objectFromJson(ObjectKind kind, const nlohmann::json& json);

nlohmann::json toJson(const Device& device, bool includeSecrets = false);
Result<Device> deviceFromJson(const nlohmann::json& json);

nlohmann::json toJson(const DeviceEvent& event);
nlohmann::json toJson(const AuditRecord& record);
Result<DeviceEvent> deviceEventFromJson(const nlohmann::json& json);
Result<AuditRecord> auditRecordFromJson(const nlohmann::json& json);

}  // namespace sztp::registry
