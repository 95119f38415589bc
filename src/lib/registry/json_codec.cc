#include "registry/json_codec.h"

#include <array>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/hex.h"
#include "model/conveyed_info.h"
#include "registry/enum_names.h"
#include "registry/json_reader.h"
#include "registry/registry_error.h"

namespace sztp::registry {
namespace {

using nlohmann::json;

using names::kConditionFields;
using names::kConditionMatches;
using names::kDeviceStages;
using names::kEventKinds;
using names::kHandlings;
using names::kReportingLevels;
using names::kResponseKinds;
using names::kSerialAttributes;

template <class E, std::size_t N>
std::string nameIn(const std::array<std::string_view, N>& names, E value) {
  const auto index = static_cast<std::size_t>(value);
  return std::string(index < N ? names[index] : std::string_view("unknown"));
}

json base64List(const std::vector<Bytes>& values) {
  json out = json::array();
  for (const auto& value : values) {
    out.push_back(base64Encode(value));
  }
  return out;
}

// ---- Encoding -------------------------------------------------------------

json encode(const LdevidPolicy& policy) {
  return {{"ca-certificate-chain", base64List(policy.caCertificateChain)},
          {"ca-key-ref", policy.caKeyRef},
          {"validity-days", policy.validityDays},
          {"key-generation", policy.keyGeneration},
          {"allow-idevid-key", policy.allowIdevidKey},
          {"csr-format", policy.csrFormat}};
}

json encode(const DeviceType& type) {
  json out = {{"name", type.name},
              {"description", type.description},
              {"idevid-trust-anchors", base64List(type.idevidTrustAnchors)},
              {"serial-rule",
               {{"attribute", nameIn(kSerialAttributes, type.serialRule.attribute)},
                {"pattern", type.serialRule.pattern}}},
              {"allow-activation-code", type.allowActivationCode},
              {"require-client-certificate", type.requireClientCertificate},
              {"encrypt-artifacts", type.encryptArtifacts}};
  // Only when set, so that bodies stored before LDevID policies existed and
  // those written now without one are the same text.
  if (type.ldevid) {
    out["ldevid"] = encode(*type.ldevid);
  }
  return out;
}

json encode(const Owner& owner) {
  return {{"name", owner.name},
          {"description", owner.description},
          {"certificate-chain", base64List(owner.certificateChain)},
          {"signing-key-ref", owner.signingKeyRef}};
}

json encode(const Image& image) {
  return {{"name", image.name},
          {"os-name", image.osName},
          {"os-version", image.osVersion},
          {"file", image.file},
          {"download-uris", image.downloadUris},
          {"sha256", hexEncode(image.sha256)},
          {"size", image.size}};
}

json encode(const Script& script) {
  return {{"name", script.name}, {"content", base64Encode(script.content)}};
}

json encode(const Configuration& configuration) {
  return {{"name", configuration.name},
          {"handling", nameIn(kHandlings, configuration.handling)},
          {"content", base64Encode(configuration.content)}};
}

json encode(const OnboardingProfile& profile) {
  return {{"name", profile.name},
          {"image", profile.image},
          {"pre-configuration-script", profile.preConfigurationScript},
          {"configuration", profile.configuration},
          {"post-configuration-script", profile.postConfigurationScript}};
}

json encode(const RedirectProfile& profile) {
  json servers = json::array();
  for (const auto& server : profile.bootstrapServers) {
    json entry = {{"address", server.address},
                  {"trust-anchor-chain", base64List(server.trustAnchorChain)}};
    if (server.port) {
      entry["port"] = *server.port;
    }
    servers.push_back(std::move(entry));
  }
  return {{"name", profile.name}, {"bootstrap-servers", std::move(servers)}};
}

json encode(const Response& response) {
  json conditions = json::array();
  for (const auto& condition : response.conditions) {
    conditions.push_back({{"field", nameIn(kConditionFields, condition.field)},
                          {"match", nameIn(kConditionMatches, condition.match)},
                          {"value", condition.value}});
  }
  json out = {{"name", response.name},
              {"conditions", std::move(conditions)},
              {"kind", nameIn(kResponseKinds, response.kind)},
              {"profile", response.profile},
              {"sign", response.sign}};
  if (response.reportingLevel) {
    out["reporting-level"] = nameIn(kReportingLevels, *response.reportingLevel);
  }
  return out;
}

// ---- Decoding -------------------------------------------------------------

DeviceType decodeDeviceType(JsonReader& r) {
  DeviceType type;
  type.name = r.string("name", true);
  type.description = r.string("description");
  type.idevidTrustAnchors = r.base64List("idevid-trust-anchors");
  if (const auto* rule = r.raw("serial-rule")) {
    JsonReader sub(*rule, r.pathOf("serial-rule"), r);
    type.serialRule.attribute =
        sub.enumeration("attribute", kSerialAttributes, SerialRule::Attribute::SubjectSerialNumber);
    type.serialRule.pattern = sub.string("pattern");
    sub.finish();
  }
  type.allowActivationCode = r.boolean("allow-activation-code", false);
  type.requireClientCertificate = r.boolean("require-client-certificate", true);
  type.encryptArtifacts = r.boolean("encrypt-artifacts", false);
  if (const auto* ldevid = r.raw("ldevid")) {
    JsonReader sub(*ldevid, r.pathOf("ldevid"), r);
    LdevidPolicy policy;
    policy.caCertificateChain = sub.base64List("ca-certificate-chain", true);
    policy.caKeyRef = sub.string("ca-key-ref", true);
    policy.validityDays = static_cast<std::uint32_t>(
        sub.integer("validity-days", policy.validityDays, 0, UINT32_MAX));
    policy.keyGeneration = sub.strings("key-generation");
    policy.allowIdevidKey = sub.boolean("allow-idevid-key", true);
    policy.csrFormat = sub.raw("csr-format") != nullptr ? sub.string("csr-format") : "p10-csr";
    sub.finish();
    type.ldevid = std::move(policy);
  }
  return type;
}

Owner decodeOwner(JsonReader& r) {
  Owner owner;
  owner.name = r.string("name", true);
  owner.description = r.string("description");
  owner.certificateChain = r.base64List("certificate-chain", true);
  owner.signingKeyRef = r.string("signing-key-ref", true);
  return owner;
}

Image decodeImage(JsonReader& r) {
  Image image;
  image.name = r.string("name", true);
  image.osName = r.string("os-name");
  image.osVersion = r.string("os-version");
  image.file = r.string("file");
  image.downloadUris = r.strings("download-uris");
  image.sha256 = r.hex("sha256", true);
  image.size = r.unsignedInteger("size", 0);
  return image;
}

Script decodeScript(JsonReader& r) {
  Script script;
  script.name = r.string("name", true);
  script.content = r.base64("content");
  return script;
}

Configuration decodeConfiguration(JsonReader& r) {
  Configuration configuration;
  configuration.name = r.string("name", true);
  configuration.handling =
      r.enumeration("handling", kHandlings, model::ConfigurationHandling::Merge);
  configuration.content = r.base64("content");
  return configuration;
}

OnboardingProfile decodeOnboardingProfile(JsonReader& r) {
  OnboardingProfile profile;
  profile.name = r.string("name", true);
  profile.image = r.string("image");
  profile.preConfigurationScript = r.string("pre-configuration-script");
  profile.configuration = r.string("configuration");
  profile.postConfigurationScript = r.string("post-configuration-script");
  return profile;
}

RedirectProfile decodeRedirectProfile(JsonReader& r) {
  RedirectProfile profile;
  profile.name = r.string("name", true);
  r.array("bootstrap-servers", true, [&](const json& value, const std::string& path) {
    JsonReader sub(value, path, r);
    RedirectTarget target;
    target.address = sub.string("address", true);
    if (sub.raw("port") != nullptr) {
      target.port = static_cast<std::uint16_t>(sub.integer("port", 0, 0, 65535));
    }
    target.trustAnchorChain = sub.base64List("trust-anchor-chain");
    sub.finish();
    profile.bootstrapServers.push_back(std::move(target));
  });
  return profile;
}

Response decodeResponse(const json& value, const std::string& path, const JsonReader& parent) {
  JsonReader r(value, path, parent);
  Response response;
  response.name = r.string("name", true);
  r.array("conditions", false, [&](const json& item, const std::string& itemPath) {
    JsonReader c(item, itemPath, r);
    Condition condition;
    condition.field = c.enumeration("field", kConditionFields, Condition::Field::HwModel, true);
    condition.match = c.enumeration("match", kConditionMatches, Condition::Match::Exact);
    condition.value = c.string("value", true);
    c.finish();
    response.conditions.push_back(std::move(condition));
  });
  response.kind = r.enumeration("kind", kResponseKinds, Response::Kind::Onboarding);
  response.profile = r.string("profile", true);
  response.sign = r.boolean("sign", true);
  if (r.raw("reporting-level") != nullptr) {
    response.reportingLevel =
        r.enumeration("reporting-level", kReportingLevels, model::ReportingLevel::Minimal);
  }
  r.finish();
  return response;
}

template <class Decode>
Result<InventoryObject> decodeObject(const json& value, Decode decode) {
  JsonReader r(value, "");
  InventoryObject object = decode(r);
  r.finish();
  if (!r.ok()) {
    return r.error();
  }
  return object;
}

/// detailJson is a JSON object as text; it is embedded as an object so API
/// clients read it as JSON. Text that is not an object (only possible for
/// hand-built records) travels as a string instead of being lost.
json detailToJson(const std::string& text) {
  json parsed = json::parse(text, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object()) {
    return parsed;
  }
  return text;
}

std::string dumpCanonical(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

json toJson(const InventoryObject& object) {
  return std::visit([](const auto& value) { return encode(value); }, object);
}

Result<InventoryObject> objectFromJson(ObjectKind kind, const json& value) {
  switch (kind) {
    case ObjectKind::DeviceType:
      return decodeObject(value, decodeDeviceType);
    case ObjectKind::Owner:
      return decodeObject(value, decodeOwner);
    case ObjectKind::Image:
      return decodeObject(value, decodeImage);
    case ObjectKind::Script:
      return decodeObject(value, decodeScript);
    case ObjectKind::Configuration:
      return decodeObject(value, decodeConfiguration);
    case ObjectKind::OnboardingProfile:
      return decodeObject(value, decodeOnboardingProfile);
    case ObjectKind::RedirectProfile:
      return decodeObject(value, decodeRedirectProfile);
  }
  return Error(RegistryErrc::InvalidObject, "unknown object kind");
}

json toJson(const Device& device, bool includeSecrets) {
  json responses = json::array();
  for (const auto& response : device.responses) {
    responses.push_back(encode(response));
  }
  json out = {{"serial-number", device.serialNumber},
              {"device-type", device.deviceType},
              {"owner", device.owner},
              {"responses", std::move(responses)},
              {"enabled", device.enabled},
              {"stage", nameIn(kDeviceStages, device.stage)},
              {"last-seen-ms", device.lastSeenMs}};
  if (device.ownershipVoucher) {
    out["ownership-voucher"] = base64Encode(*device.ownershipVoucher);
  }
  if (includeSecrets && !device.activationCodeHash.empty()) {
    out["activation-code-hash"] = device.activationCodeHash;
  }
  return out;
}

Result<Device> deviceFromJson(const json& value) {
  JsonReader r(value, "");
  Device device;
  device.serialNumber = r.string("serial-number", true);
  device.deviceType = r.string("device-type", true);
  device.owner = r.string("owner");
  device.activationCodeHash = r.string("activation-code-hash");
  device.ownershipVoucher = r.optionalBase64("ownership-voucher");
  r.array("responses", false, [&](const json& item, const std::string& path) {
    device.responses.push_back(decodeResponse(item, path, r));
  });
  device.enabled = r.boolean("enabled", true);
  device.stage = r.enumeration("stage", kDeviceStages, DeviceStage::Registered);
  device.lastSeenMs = r.integer("last-seen-ms", 0, 0, std::numeric_limits<std::int64_t>::max());
  r.finish();
  if (!r.ok()) {
    return r.error();
  }
  return device;
}

json toJson(const DeviceEvent& event) {
  json out = {{"id", event.id},
              {"serial-number", event.serialNumber},
              {"time-ms", event.timeMs},
              {"kind", nameIn(kEventKinds, event.kind)},
              {"source-address", event.sourceAddress},
              {"reason", event.reason},
              {"message", event.message},
              {"detail", detailToJson(event.detailJson)}};
  if (event.progressType) {
    out["progress-type"] = std::string(model::progressTypeName(*event.progressType));
  }
  return out;
}

Result<DeviceEvent> deviceEventFromJson(const json& value) {
  JsonReader r(value, "");
  DeviceEvent event;
  event.id = r.integer("id", 0, 0, std::numeric_limits<std::int64_t>::max());
  event.serialNumber = r.string("serial-number", true);
  event.timeMs = r.integer("time-ms", 0, std::numeric_limits<std::int64_t>::min(),
                           std::numeric_limits<std::int64_t>::max());
  event.kind = r.enumeration("kind", kEventKinds, DeviceEvent::Kind::Request, true);
  event.sourceAddress = r.string("source-address");
  if (r.raw("progress-type") != nullptr) {
    event.progressType = model::progressTypeFromName(r.string("progress-type"));
    if (!event.progressType) {
      r.fail("progress-type", "is not an RFC 8572 progress type");
    }
  }
  event.reason = r.string("reason");
  event.message = r.string("message");
  if (const auto* detail = r.raw("detail")) {
    if (detail->is_object()) {
      event.detailJson = dumpCanonical(*detail);
    } else if (detail->is_string()) {
      // A string holding an object is read as that object, so that encoding
      // the result gives the same value back.
      event.detailJson = detail->get<std::string>();
      const json parsed = json::parse(event.detailJson, nullptr, false);
      if (!parsed.is_discarded() && parsed.is_object()) {
        event.detailJson = dumpCanonical(parsed);
      }
    } else {
      r.fail("detail", "must be an object");
    }
  } else {
    event.detailJson = "{}";
  }
  r.finish();
  if (!r.ok()) {
    return r.error();
  }
  return event;
}

json toJson(const AuditRecord& record) {
  return {{"id", record.id},
          {"time-ms", record.timeMs},
          {"listener", record.listener},
          {"source-address", record.sourceAddress},
          {"identity", record.identity},
          {"method", record.method},
          {"path", record.path},
          {"status", record.status},
          {"reason", record.reason},
          {"duration-us", record.durationUs}};
}

Result<AuditRecord> auditRecordFromJson(const json& value) {
  JsonReader r(value, "");
  AuditRecord record;
  record.id = r.integer("id", 0, 0, std::numeric_limits<std::int64_t>::max());
  record.timeMs = r.integer("time-ms", 0, std::numeric_limits<std::int64_t>::min(),
                            std::numeric_limits<std::int64_t>::max());
  record.listener = r.string("listener", true);
  record.sourceAddress = r.string("source-address");
  record.identity = r.string("identity");
  record.method = r.string("method");
  record.path = r.string("path");
  record.status = static_cast<int>(r.integer("status", 0, 0, 999));
  record.reason = r.string("reason");
  record.durationUs = r.integer("duration-us", 0, 0, std::numeric_limits<std::int64_t>::max());
  r.finish();
  if (!r.ok()) {
    return r.error();
  }
  return record;
}

}  // namespace sztp::registry
