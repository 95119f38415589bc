// /api/v1/devices, /api/v1/devices/{serial}, /api/v1/devices/{serial}/activation-code
#include <nlohmann/json.hpp>

#include "admin/admin_error.h"
#include "admin/api_support.h"
#include "crypto/password_hash.h"
#include "registry/json_codec.h"
#include "registry/registry_error.h"

namespace sztp::admin::detail {
namespace {

using nlohmann::json;

constexpr std::string_view kDevices = "devices";

Error unknownDevice(const std::string& serial) {
  return Error(registry::RegistryErrc::NotFound, "device " + serial);
}

/// The device in the body; `pathSerial` fills in or must equal its serial.
Result<registry::Device> deviceFrom(const Call& call, const ApiContext& context,
                                    const std::string* pathSerial) {
  auto body = jsonBody(call, context);
  if (!body) {
    return std::move(body).error();
  }
  if (!body->is_object()) {
    return Error(AdminErrc::MalformedBody, "expected a JSON object");
  }
  if (pathSerial != nullptr) {
    auto serial = body->find("serial-number");
    if (serial == body->end()) {
      (*body)["serial-number"] = *pathSerial;
    } else if (!serial->is_string() || serial->get<std::string>() != *pathSerial) {
      return Error(AdminErrc::NameMismatch,
                   "path names '" + *pathSerial + "', body names " + serial->dump());
    }
  }
  auto device = registry::deviceFromJson(*body);
  if (!device) {
    return std::move(device).error().addContext("device");
  }
  return device;
}

/// Stores `device` and answers with what is now stored. A device read with
/// GET carries no activation-code hash, so a PUT without one keeps the
/// stored hash: GET, edit, PUT never loses the code (clear it with DELETE
/// .../activation-code).
http::Response store(ApiContext& context, registry::Device device,
                     const std::optional<registry::Device>& existing) {
  if (device.activationCodeHash.empty() && existing) {
    device.activationCodeHash = existing->activationCodeHash;
  }
  const std::string serial = device.serialNumber;
  auto revision = context.registry.apply({registry::PutDevice{std::move(device)}});
  if (!revision) {
    return errorReply(revision.error());
  }
  auto stored = context.registry.getDevice(serial);
  if (!stored || !*stored) {
    return errorReply(
        stored ? Error(registry::RegistryErrc::StorageFailure, "stored device vanished: " + serial)
               : stored.error());
  }
  auto reply = jsonReply(existing ? 200 : 201, registry::toJson(**stored));
  if (!existing) {
    reply.setHeader("Location", resourcePath(kDevices, serial));
  }
  reply.setHeader("Sztp-Revision", std::to_string(*revision));
  return reply;
}

http::Response list(ApiContext& context, const Call& call) {
  auto query = queryOf(call, {"device-type", "owner", "stage", "after", "limit"});
  if (!query) {
    return errorReply(query.error());
  }
  registry::DeviceFilter filter;
  filter.deviceType = query->getOr("device-type", "");
  filter.owner = query->getOr("owner", "");
  filter.afterSerial = query->getOr("after", "");
  if (auto stage = query->get("stage")) {
    filter.stage = registry::deviceStageFromName(*stage);
    if (!filter.stage) {
      return errorReply(Error(AdminErrc::InvalidParameter,
                              "stage=" + *stage +
                                  ": expected registered, contacted, bootstrapping, rebooting, "
                                  "failed or completed"));
    }
  }
  const auto& limits = context.limits;
  auto limit = query->integer("limit", static_cast<std::int64_t>(limits.defaultPageSize), 1,
                              static_cast<std::int64_t>(limits.maxPageSize));
  if (!limit) {
    return errorReply(limit.error());
  }
  // One more than asked for tells whether another page exists, so the last
  // page never points at an empty one.
  filter.limit = static_cast<std::size_t>(*limit) + 1;
  auto devices = context.registry.listDevices(filter);
  if (!devices) {
    return errorReply(devices.error());
  }
  json out = {{"items", json::array()}};
  const std::size_t shown = std::min(devices->size(), static_cast<std::size_t>(*limit));
  for (std::size_t i = 0; i < shown; ++i) {
    out["items"].push_back(registry::toJson((*devices)[i]));
  }
  if (devices->size() > shown) {
    out["next"] = (*devices)[shown - 1].serialNumber;
  }
  return jsonReply(200, out);
}

http::Response create(ApiContext& context, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  auto device = deviceFrom(call, context, nullptr);
  if (!device) {
    return errorReply(device.error());
  }
  auto existing = context.registry.getDevice(device->serialNumber);
  if (!existing) {
    return errorReply(existing.error());
  }
  if (*existing) {
    return errorReply(Error(AdminErrc::AlreadyExists, "device " + device->serialNumber));
  }
  return store(context, std::move(*device), std::nullopt);
}

http::Response get(ApiContext& context, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  auto device = context.registry.getDevice(call.params[0]);
  if (!device) {
    return errorReply(device.error());
  }
  if (!*device) {
    return errorReply(unknownDevice(call.params[0]));
  }
  return jsonReply(200, registry::toJson(**device));
}

http::Response put(ApiContext& context, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  auto device = deviceFrom(call, context, &call.params[0]);
  if (!device) {
    return errorReply(device.error());
  }
  auto existing = context.registry.getDevice(call.params[0]);
  if (!existing) {
    return errorReply(existing.error());
  }
  return store(context, std::move(*device), *existing);
}

http::Response remove(ApiContext& context, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  auto revision = context.registry.apply({registry::RemoveDevice{call.params[0]}});
  if (!revision) {
    return errorReply(revision.error());
  }
  auto reply = noContent();
  reply.setHeader("Sztp-Revision", std::to_string(*revision));
  return reply;
}

/// Replaces the stored activation-code hash (`hash` empty clears it).
http::Response setActivationHash(ApiContext& context, const std::string& serial, std::string hash) {
  auto device = context.registry.getDevice(serial);
  if (!device) {
    return errorReply(device.error());
  }
  if (!*device) {
    return errorReply(unknownDevice(serial));
  }
  (*device)->activationCodeHash = std::move(hash);
  auto revision = context.registry.apply({registry::PutDevice{std::move(**device)}});
  if (!revision) {
    return errorReply(revision.error());
  }
  auto reply = noContent();
  reply.setHeader("Sztp-Revision", std::to_string(*revision));
  return reply;
}

http::Response putActivationCode(ApiContext& context, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  auto body = jsonBody(call, context);
  if (!body) {
    return errorReply(body.error());
  }
  const auto code =
      body->is_object() && body->size() == 1 ? body->find("activation-code") : body->end();
  if (code == body->end() || !code->is_string()) {
    return errorReply(Error(AdminErrc::MalformedBody,
                            "expected {\"activation-code\": \"...\"} and nothing else"));
  }
  const auto& text = code->get_ref<const std::string&>();
  if (text.empty() || text.size() > context.limits.maxActivationCodeBytes) {
    return errorReply(Error(registry::RegistryErrc::InvalidObject,
                            "activation-code: must be 1.." +
                                std::to_string(context.limits.maxActivationCodeBytes) + " octets"));
  }
  // Only the PBKDF2 hash is stored (issue 3, item 2); the code itself is
  // never written anywhere.
  return setActivationHash(context, call.params[0], crypto::hashSecret(text));
}

http::Response deleteActivationCode(ApiContext& context, const Call& call) {
  if (auto query = queryOf(call, {}); !query) {
    return errorReply(query.error());
  }
  return setActivationHash(context, call.params[0], "");
}

}  // namespace

void addDeviceRoutes(RouteTable& table, ApiContext& context) {
  const std::size_t limit = context.limits.maxBodyBytes;
  const std::string collection = std::string(kApiRoot) + "/devices";
  const std::string item = collection + "/{serial}";
  auto bind = [&context](http::Response (*fn)(ApiContext&, const Call&)) {
    return [&context, fn](const Call& call) { return fn(context, call); };
  };
  table.add("GET", collection, 0, bind(list));
  table.add("POST", collection, limit, bind(create));
  table.add("GET", item, 0, bind(get));
  table.add("PUT", item, limit, bind(put));
  table.add("DELETE", item, 0, bind(remove));
  table.add("PUT", item + "/activation-code", 4096, bind(putActivationCode));
  table.add("DELETE", item + "/activation-code", 0, bind(deleteActivationCode));
}

}  // namespace sztp::admin::detail
