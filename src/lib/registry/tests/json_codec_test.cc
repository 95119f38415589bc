#include "registry/json_codec.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "registry/registry_error.h"
#include "registry/tests/registry_fixtures.h"

namespace sztp::registry::test {
namespace {

using nlohmann::json;

std::string errorOf(const Result<Device>& result) {
  EXPECT_FALSE(result.ok());
  if (result.ok()) {
    return {};
  }
  EXPECT_EQ(result.error(), RegistryErrc::InvalidObject);
  return result.error().detail();
}

TEST(JsonCodec, EveryObjectKindRoundTrips) {
  for (const auto kind : kAllKinds) {
    SCOPED_TRACE(std::string(objectKindName(kind)));
    InventoryObject object = makeObject(kind, "obj-1");
    if (auto* profile = std::get_if<OnboardingProfile>(&object)) {
      *profile = makeOnboardingProfile("obj-1");  // Every member named.
    }
    const json encoded = toJson(object);
    auto decoded = objectFromJson(kind, encoded);
    ASSERT_TRUE(decoded.ok()) << decoded.error().describe() << "\n" << encoded.dump(2);
    EXPECT_EQ(*decoded, object);
    // Through text too, as the admin API and the database see it.
    auto reparsed = objectFromJson(kind, json::parse(encoded.dump()));
    ASSERT_TRUE(reparsed.ok());
    EXPECT_EQ(*reparsed, object);
  }
}

TEST(JsonCodec, DeviceRoundTripsWithSecretsOnlyWhenAsked) {
  Device device = makeDevice("SN-1", "dpu", "acme", "onboard");
  device.stage = DeviceStage::Rebooting;
  device.lastSeenMs = 1717243200000;
  device.enabled = false;
  auto decoded = deviceFromJson(toJson(device, true));
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_EQ(*decoded, device);

  const json publicForm = toJson(device);
  EXPECT_FALSE(publicForm.contains("activation-code-hash"));
  EXPECT_EQ(publicForm["stage"], "rebooting");
  auto withoutSecret = deviceFromJson(publicForm);
  ASSERT_TRUE(withoutSecret.ok());
  EXPECT_EQ(withoutSecret->activationCodeHash, "");

  device.ownershipVoucher.reset();
  device.responses.clear();
  decoded = deviceFromJson(toJson(device, true));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, device);
}

TEST(JsonCodec, DocumentedExampleDecodes) {
  // The example of json_codec.h and docs/registry.md.
  const json example = json::parse(R"({"serial-number": "SN1", "device-type": "dpu",
    "owner": "acme", "ownership-voucher": "MIIG", "enabled": true,
    "responses": [{"name": "lab", "conditions": [{"field": "source-address",
      "match": "subnet", "value": "10.0.0.0/8"}], "kind": "redirect",
      "profile": "lab-redirect", "sign": true}],
    "stage": "registered", "last-seen-ms": 0})");
  auto device = deviceFromJson(example);
  ASSERT_TRUE(device.ok()) << device.error().describe();
  EXPECT_EQ(device->serialNumber, "SN1");
  ASSERT_EQ(device->responses.size(), 1u);
  EXPECT_EQ(device->responses[0].kind, Response::Kind::Redirect);
  EXPECT_EQ(device->responses[0].conditions[0].match, Condition::Match::Subnet);
  EXPECT_EQ(device->responses[0].conditions[0].field, Condition::Field::SourceAddress);
}

TEST(JsonCodec, MinimalFormsTakeDefaults) {
  auto device = deviceFromJson(json::parse(R"({"serial-number": "SN1", "device-type": "dpu",
      "responses": [{"name": "r", "profile": "p", "conditions": [{"field": "hw-model",
      "value": "x"}]}]})"));
  ASSERT_TRUE(device.ok()) << device.error().describe();
  EXPECT_TRUE(device->enabled);
  EXPECT_EQ(device->stage, DeviceStage::Registered);
  EXPECT_FALSE(device->ownershipVoucher.has_value());
  EXPECT_EQ(device->responses[0].kind, Response::Kind::Onboarding);
  EXPECT_TRUE(device->responses[0].sign);
  EXPECT_EQ(device->responses[0].conditions[0].match, Condition::Match::Exact);

  auto type = objectFromJson(ObjectKind::DeviceType, json::parse(R"({"name": "dpu"})"));
  ASSERT_TRUE(type.ok()) << type.error().describe();
  const auto& dpu = std::get<DeviceType>(*type);
  EXPECT_TRUE(dpu.requireClientCertificate);
  EXPECT_FALSE(dpu.allowActivationCode);
  EXPECT_EQ(dpu.serialRule.attribute, SerialRule::Attribute::SubjectSerialNumber);
}

TEST(JsonCodec, ErrorsNameTheKeyPath) {
  const auto base = [] { return toJson(makeDevice("SN-1", "dpu", "acme", "onboard"), true); };
  struct Case {
    const char* what;
    std::function<void(json&)> edit;
    const char* path;
  };
  const std::vector<Case> cases{
      {"unknown key", [](json& j) { j["colour"] = "red"; }, "colour"},
      {"missing serial", [](json& j) { j.erase("serial-number"); }, "serial-number: is missing"},
      {"wrong type", [](json& j) { j["enabled"] = "yes"; }, "enabled: must be true or false"},
      {"bad enum", [](json& j) { j["responses"][0]["conditions"][1]["match"] = "glob"; },
       "responses[0].conditions[1].match"},
      {"unknown nested key", [](json& j) { j["responses"][1]["colour"] = 1; },
       "responses[1].colour"},
      {"missing nested", [](json& j) { j["responses"][1].erase("profile"); },
       "responses[1].profile: is missing"},
      {"bad base64", [](json& j) { j["ownership-voucher"] = "***"; }, "ownership-voucher"},
      {"negative time", [](json& j) { j["last-seen-ms"] = -1; }, "last-seen-ms"},
      {"float", [](json& j) { j["last-seen-ms"] = 1.5; }, "last-seen-ms: must be an integer"},
      {"array not object", [](json& j) { j["responses"][0] = json::array(); },
       "responses[0]: must be an object"},
      {"responses not array", [](json& j) { j["responses"] = json::object(); },
       "responses: must be an array"},
      {"bad stage", [](json& j) { j["stage"] = "done"; }, "stage: must be one of"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    json value = base();
    c.edit(value);
    const std::string detail = errorOf(deviceFromJson(value));
    EXPECT_NE(detail.find(c.path), std::string::npos) << detail;
  }
  EXPECT_NE(errorOf(deviceFromJson(json::array())).find("must be an object"), std::string::npos);
}

TEST(JsonCodec, ObjectErrors) {
  json image = toJson(makeImage("img"));
  image["sha256"] = "abc";
  auto decoded = objectFromJson(ObjectKind::Image, image);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().detail().find("sha256"), std::string::npos);
  // The same JSON is not another kind.
  auto wrongKind = objectFromJson(ObjectKind::Script, toJson(makeImage("img")));
  ASSERT_FALSE(wrongKind.ok());
  EXPECT_EQ(wrongKind.error(), RegistryErrc::InvalidObject);

  json redirect = toJson(makeRedirectProfile("lab"));
  redirect["bootstrap-servers"][1]["port"] = 70000;
  decoded = objectFromJson(ObjectKind::RedirectProfile, redirect);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().detail().find("bootstrap-servers[1].port"), std::string::npos)
      << decoded.error().detail();

  json type = toJson(makeDeviceType("dpu"));
  type["serial-rule"]["group"] = 1;
  decoded = objectFromJson(ObjectKind::DeviceType, type);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().detail().find("serial-rule.group"), std::string::npos);

  type = toJson(makeDeviceType("dpu"));
  type["ldevid"]["ca-key"] = "typo";
  decoded = objectFromJson(ObjectKind::DeviceType, type);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error().detail().find("ldevid.ca-key"), std::string::npos);
  // Without a policy the member is absent, as in bodies stored before it existed.
  DeviceType plain = makeDeviceType("dpu");
  plain.ldevid.reset();
  EXPECT_FALSE(toJson(plain).contains("ldevid"));
  EXPECT_EQ(std::get<DeviceType>(*objectFromJson(ObjectKind::DeviceType, toJson(plain))), plain);
  // The defaults of an LDevID policy written by hand.
  type = toJson(plain);
  type["ldevid"] = {{"ca-certificate-chain", toJson(makeDeviceType("x"))["idevid-trust-anchors"]},
                    {"ca-key-ref", "ca.key"}};
  decoded = objectFromJson(ObjectKind::DeviceType, type);
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  const auto& policy = *std::get<DeviceType>(*decoded).ldevid;
  EXPECT_EQ(policy.validityDays, 365U);
  EXPECT_TRUE(policy.keyGeneration.empty());
  EXPECT_TRUE(policy.allowIdevidKey);
  EXPECT_EQ(policy.csrFormat, "p10-csr");
}

TEST(JsonCodec, Sha256IsLowercaseHex) {
  Image image = makeImage("img");
  image.sha256 = Bytes{0xAB, 0x01, 0xFF};
  EXPECT_EQ(toJson(image)["sha256"], "ab01ff");
  json upper = toJson(image);
  upper["sha256"] = "AB01FF";
  EXPECT_EQ(std::get<Image>(*objectFromJson(ObjectKind::Image, upper)).sha256, image.sha256);
}

TEST(JsonCodec, EventsAndAuditRoundTrip) {
  DeviceEvent event = makeProgress("SN-1", model::ProgressType::BootstrapComplete, 42);
  event.id = 7;
  event.detailJson = R"({"ssh-host-keys":[{"algorithm":"ssh-ed25519"}]})";
  const json encoded = toJson(event);
  EXPECT_TRUE(encoded["detail"].is_object());
  EXPECT_EQ(encoded["progress-type"], "bootstrap-complete");
  auto decoded = deviceEventFromJson(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
  EXPECT_EQ(*decoded, event);

  DeviceEvent request = makeEvent("SN-1", DeviceEvent::Kind::Rejected, -5);
  request.detailJson = "not json";  // Hand-built: kept as text rather than lost.
  decoded = deviceEventFromJson(toJson(request));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, request);

  json bad = toJson(event);
  bad["progress-type"] = "bootstrap-finished";
  EXPECT_FALSE(deviceEventFromJson(bad).ok());
  bad = toJson(event);
  bad["detail"] = 5;
  EXPECT_FALSE(deviceEventFromJson(bad).ok());

  AuditRecord record = makeAudit("admin", 99);
  record.id = 3;
  record.reason = "unknown-device";
  record.status = 401;
  auto audit = auditRecordFromJson(toJson(record));
  ASSERT_TRUE(audit.ok()) << audit.error().describe();
  EXPECT_EQ(*audit, record);
  json badAudit = toJson(record);
  badAudit["status"] = 1000;
  EXPECT_FALSE(auditRecordFromJson(badAudit).ok());
}

}  // namespace
}  // namespace sztp::registry::test
