#include "registry/sqlite/row_codec.h"

#include <nlohmann/json.hpp>

#include "registry/json_codec.h"
#include "registry/registry_error.h"

namespace sztp::registry::sqlite {
namespace {

using nlohmann::json;

std::string dump(const json& value) {
  // Validation admits only valid UTF-8, so `replace` never alters a stored
  // value; it keeps a hand-built value from throwing.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Error corrupt(std::string_view what, const Error& cause) {
  return Error(RegistryErrc::StorageCorrupt, std::string(what) + ": stored body does not decode (" +
                                                 std::string(cause.reason()) + ": " +
                                                 cause.detail() + ")");
}

}  // namespace

std::string objectBody(const InventoryObject& object) {
  return dump(toJson(object));
}

Result<InventoryObject> objectFromRow(ObjectKind kind, std::string_view name,
                                      std::string_view body) {
  const std::string what = std::string(objectKindName(kind)) + " " + std::string(name);
  const json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    return Error(RegistryErrc::StorageCorrupt, what + ": stored body is not JSON");
  }
  auto object = objectFromJson(kind, parsed);
  if (!object) {
    return corrupt(what, object.error());
  }
  return object;
}

std::string deviceBody(const Device& device) {
  json body = toJson(device, true);
  body.erase("stage");
  body.erase("last-seen-ms");
  body.erase("ownership-voucher");
  return dump(body);
}

Result<Device> deviceFromRow(std::string_view serial, std::string_view body, std::string_view stage,
                             std::int64_t lastSeenMs, std::optional<Bytes> voucher) {
  const std::string what = "device " + std::string(serial);
  const json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    return Error(RegistryErrc::StorageCorrupt, what + ": stored body is not JSON");
  }
  auto device = deviceFromJson(parsed);
  if (!device) {
    return corrupt(what, device.error());
  }
  const auto parsedStage = deviceStageFromName(stage);
  if (!parsedStage) {
    return Error(RegistryErrc::StorageCorrupt,
                 what + ": unknown stage '" + std::string(stage) + "'");
  }
  device->stage = *parsedStage;
  device->lastSeenMs = lastSeenMs;
  device->ownershipVoucher = std::move(voucher);
  return device;
}

}  // namespace sztp::registry::sqlite
