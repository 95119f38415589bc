// Devices: CRUD, filters, keyset pagination, activation codes.
#include "admin_fixture.h"
#include "crypto/password_hash.h"

namespace sztp::admin::testing {
namespace {

using nlohmann::json;

class DeviceTest : public AdminTest {
 protected:
  void SetUp() override {
    AdminTest::SetUp();
    addBasics();
  }

  std::optional<registry::Device> stored(const std::string& serial) {
    auto device = registry_->getDevice(serial);
    EXPECT_TRUE(device.ok());
    return device ? *device : std::nullopt;
  }
};

TEST_F(DeviceTest, CreateReadReplaceDelete) {
  auto created = call("POST", "/api/v1/devices", AdminWorld::device("SN-1"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("location"), "/api/v1/devices/SN-1");
  EXPECT_EQ(parsed(created)["stage"], "registered");

  auto again = call("POST", "/api/v1/devices", AdminWorld::device("SN-1"));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(reason(again), "admin-already-exists");

  auto read = call("GET", "/api/v1/devices/SN-1");
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(parsed(read)["device-type"], "dpu");

  json changed = AdminWorld::device("SN-1");
  changed["enabled"] = false;
  auto replaced = call("PUT", "/api/v1/devices/SN-1", changed);
  EXPECT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_FALSE(stored("SN-1")->enabled);

  auto mismatch = call("PUT", "/api/v1/devices/SN-1", AdminWorld::device("SN-2"));
  EXPECT_EQ(reason(mismatch), "admin-name-mismatch");

  EXPECT_EQ(call("DELETE", "/api/v1/devices/SN-1").status, 204);
  EXPECT_EQ(call("GET", "/api/v1/devices/SN-1").status, 404);
  auto missing = call("DELETE", "/api/v1/devices/SN-1");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(reason(missing), "not-found");
}

TEST_F(DeviceTest, ReferencesAreCheckedByTheRegistry) {
  auto reply = call("POST", "/api/v1/devices", AdminWorld::device("SN-9", "no-such-type"));
  EXPECT_EQ(reply.status, 409) << reply.body;
  EXPECT_EQ(reason(reply), "dangling-reference");
  EXPECT_FALSE(stored("SN-9").has_value());
}

TEST_F(DeviceTest, SerialNumbersWithSpacesTravelPercentEncoded) {
  ASSERT_EQ(
      call("PUT", "/api/v1/devices/PID%3AX1%20SN%3AAB%2B1", AdminWorld::device("PID:X1 SN:AB+1"))
          .status,
      201);
  auto read = call("GET", "/api/v1/devices/PID%3AX1%20SN%3AAB%2B1");
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(parsed(read)["serial-number"], "PID:X1 SN:AB+1");
}

TEST_F(DeviceTest, PutKeepsStageLastSeenAndActivationCode) {
  ASSERT_EQ(call("POST", "/api/v1/devices", AdminWorld::device("SN-1")).status, 201);
  ASSERT_EQ(
      call("PUT", "/api/v1/devices/SN-1/activation-code", json{{"activation-code", "open sesame"}})
          .status,
      204);
  registry::DeviceEvent event;
  event.serialNumber = "SN-1";
  event.timeMs = 1000;
  event.kind = registry::DeviceEvent::Kind::Progress;
  event.progressType = model::ProgressType::BootstrapComplete;
  event.detailJson = "{}";
  ASSERT_TRUE(registry_->appendEvent(event).ok());

  // GET, edit, PUT: the hash is not in the GET, and not lost by the PUT.
  auto read = parsed(call("GET", "/api/v1/devices/SN-1"));
  EXPECT_FALSE(read.contains("activation-code-hash"));
  read["enabled"] = false;
  ASSERT_EQ(call("PUT", "/api/v1/devices/SN-1", read).status, 200);
  auto device = stored("SN-1");
  ASSERT_TRUE(device.has_value());
  EXPECT_EQ(device->stage, registry::DeviceStage::Completed);
  auto matches = crypto::verifySecret("open sesame", device->activationCodeHash);
  ASSERT_TRUE(matches.ok());
  EXPECT_TRUE(*matches);
}

TEST_F(DeviceTest, ActivationCodeIsStoredHashedAndCanBeCleared) {
  ASSERT_EQ(call("POST", "/api/v1/devices", AdminWorld::device("SN-1")).status, 201);
  auto set =
      call("PUT", "/api/v1/devices/SN-1/activation-code", json{{"activation-code", "code-1"}});
  ASSERT_EQ(set.status, 204) << set.body;
  const auto hash = stored("SN-1")->activationCodeHash;
  EXPECT_TRUE(crypto::isSecretHash(hash)) << hash;
  EXPECT_EQ(hash.find("code-1"), std::string::npos);
  EXPECT_TRUE(*crypto::verifySecret("code-1", hash));
  EXPECT_FALSE(*crypto::verifySecret("code-2", hash));

  EXPECT_EQ(
      reason(call("PUT", "/api/v1/devices/SN-1/activation-code", json{{"activation-code", ""}})),
      "invalid-object");
  EXPECT_EQ(reason(call("PUT", "/api/v1/devices/SN-1/activation-code", json{{"code", "x"}})),
            "admin-body-malformed");
  EXPECT_EQ(
      reason(call("PUT", "/api/v1/devices/SN-1/activation-code", json{{"activation-code", 42}})),
      "admin-body-malformed");
  EXPECT_EQ(
      call("PUT", "/api/v1/devices/NOPE/activation-code", json{{"activation-code", "x"}}).status,
      404);

  EXPECT_EQ(call("DELETE", "/api/v1/devices/SN-1/activation-code").status, 204);
  EXPECT_EQ(stored("SN-1")->activationCodeHash, "");
}

TEST_F(DeviceTest, AHashGivenInTheBodyMustBeAHash) {
  json body = AdminWorld::device("SN-1");
  body["activation-code-hash"] = "plaintext";
  auto reply = call("POST", "/api/v1/devices", body);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reason(reply), "invalid-object");
}

TEST_F(DeviceTest, ListFiltersAndPagesByKeyset) {
  ASSERT_EQ(call("POST", "/api/v1/device-types", AdminWorld::deviceType("switch")).status, 201);
  ASSERT_EQ(call("POST", "/api/v1/owners", AdminWorld::owner("globex")).status, 201);
  for (int i = 0; i < 25; ++i) {
    char serial[16];
    std::snprintf(serial, sizeof serial, "SN-%03d", i);
    auto reply = call(
        "POST", "/api/v1/devices",
        AdminWorld::device(serial, i % 5 == 0 ? "switch" : "dpu", i % 2 == 0 ? "acme" : "globex"));
    ASSERT_EQ(reply.status, 201) << reply.body;
  }
  // Walk every page of 10.
  std::vector<std::string> seen;
  std::string after;
  int pages = 0;
  for (;;) {
    auto reply = call("GET", "/api/v1/devices?limit=10" + (after.empty() ? "" : "&after=" + after));
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto page = parsed(reply);
    ++pages;
    for (const auto& item : page["items"]) {
      seen.push_back(item["serial-number"]);
    }
    if (!page.contains("next")) {
      break;
    }
    after = page["next"];
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(seen.front(), "SN-000");

  // Exactly one page: no `next`.
  EXPECT_FALSE(parsed(call("GET", "/api/v1/devices?limit=25")).contains("next"));

  auto switches = parsed(call("GET", "/api/v1/devices?device-type=switch"));
  EXPECT_EQ(switches["items"].size(), 5u);
  auto both = parsed(call("GET", "/api/v1/devices?device-type=switch&owner=acme"));
  EXPECT_EQ(both["items"].size(), 3u);  // 0, 10, 20
  auto registered = parsed(call("GET", "/api/v1/devices?stage=registered&limit=1000"));
  EXPECT_EQ(registered["items"].size(), 25u);
  EXPECT_EQ(parsed(call("GET", "/api/v1/devices?stage=completed"))["items"].size(), 0u);

  EXPECT_EQ(reason(call("GET", "/api/v1/devices?stage=done")), "admin-parameter-invalid");
  EXPECT_EQ(reason(call("GET", "/api/v1/devices?limit=0")), "admin-parameter-invalid");
  EXPECT_EQ(reason(call("GET", "/api/v1/devices?limit=1001")), "admin-parameter-invalid");
  EXPECT_EQ(reason(call("GET", "/api/v1/devices?limit=ten")), "admin-parameter-invalid");
  EXPECT_EQ(reason(call("GET", "/api/v1/devices?device_type=dpu")), "admin-parameter-invalid");
}

}  // namespace
}  // namespace sztp::admin::testing
