// The YAML inventory and bulk device imports through the API (the work is
// src/lib/inventory's; these check the wiring, envelopes and statuses).
#include "admin_fixture.h"
#include "artifact/voucher_issuer.h"

namespace sztp::admin::testing {
namespace {

using nlohmann::json;

std::string indentPem(const crypto::Certificate& cert, const std::string& indent) {
  std::string out;
  std::string pem = cert.toPem();
  std::size_t start = 0;
  while (start < pem.size()) {
    const auto end = pem.find('\n', start);
    out += indent + pem.substr(start, end - start) + "\n";
    start = end == std::string::npos ? pem.size() : end + 1;
  }
  return out;
}

std::string inventoryYaml(const std::string& extraDevices = {}) {
  return "version: 1\n"
         "device-types:\n"
         "  - name: dpu\n"
         "    allow-activation-code: true\n"
         "    idevid-trust-anchors:\n"
         "      - |\n" +
         indentPem(demoPki().manufacturerCa.certificate, "        ") +
         "owners:\n"
         "  - name: acme\n"
         "    signing-key: /etc/sztp/acme.key\n"
         "    certificate-chain:\n"
         "      - |\n" +
         indentPem(demoPki().owner.certificate, "        ") +
         "images:\n"
         "  - name: os-2\n"
         "    os-name: DemoOS\n"
         "    os-version: \"2.0\"\n"
         "    sha256: " +
         std::string(64, 'b') +
         "\n"
         "    download-uris: [https://files.example.net/os-2.img]\n"
         "scripts:\n"
         "  - name: pre\n"
         "    text: \"#!/bin/sh\\nexit 0\\n\"\n"
         "onboarding-profiles:\n"
         "  - name: full\n"
         "    image: os-2\n"
         "    pre-configuration-script: pre\n"
         "devices:\n"
         "  - serial-number: SN-1\n"
         "    device-type: dpu\n"
         "    owner: acme\n"
         "    activation-code: code-1\n"
         "    responses:\n"
         "      - profile: full\n" +
         extraDevices;
}

http::Response putInventory(AdminWorld& world, const std::string& query, std::string body,
                            std::string type = "application/yaml") {
  return world.call("PUT", "/api/v1/inventory" + query, std::move(body), std::move(type));
}

TEST_F(AdminTest, InventoryAppliesIdempotentlyAndExportsBack) {
  auto dry = putInventory(*this, "?dry-run=true", inventoryYaml());
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_FALSE(parsed(dry)["applied"].get<bool>());
  EXPECT_TRUE(parsed(dry)["dry-run"].get<bool>());
  EXPECT_EQ(parsed(dry)["changes"].size(), 6u) << dry.body;
  EXPECT_EQ(call("GET", "/api/v1/devices/SN-1").status, 404) << "a dry run applies nothing";

  auto applied = putInventory(*this, "", inventoryYaml());
  ASSERT_EQ(applied.status, 200) << applied.body;
  EXPECT_TRUE(parsed(applied)["applied"].get<bool>());
  EXPECT_EQ(parsed(applied)["changes"][0]["action"], "create");
  EXPECT_EQ(call("GET", "/api/v1/devices/SN-1").status, 200);
  EXPECT_EQ(call("GET", "/api/v1/owners/acme").status, 200);

  auto again = putInventory(*this, "", inventoryYaml());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_FALSE(parsed(again)["applied"].get<bool>());
  EXPECT_EQ(parsed(again)["changes"].size(), 0u) << again.body;

  auto exported = call("GET", "/api/v1/inventory");
  ASSERT_EQ(exported.status, 200);
  EXPECT_EQ(exported.header("content-type"), "application/yaml");
  EXPECT_NE(exported.body.find("SN-1"), std::string::npos);
  auto reapplied = putInventory(*this, "", exported.body, "text/yaml");
  ASSERT_EQ(reapplied.status, 200) << reapplied.body;
  EXPECT_EQ(parsed(reapplied)["changes"].size(), 0u) << reapplied.body;
}

TEST_F(AdminTest, InventoryPruneRemovesWhatTheFileDoesNotName) {
  ASSERT_EQ(putInventory(*this, "", inventoryYaml()).status, 200);
  ASSERT_EQ(call("POST", "/api/v1/scripts", AdminWorld::script("stray")).status, 201);
  auto plan = putInventory(*this, "?prune=true&dry-run=true", inventoryYaml());
  ASSERT_EQ(plan.status, 200) << plan.body;
  ASSERT_EQ(parsed(plan)["changes"].size(), 1u) << plan.body;
  EXPECT_EQ(parsed(plan)["changes"][0]["action"], "remove");
  EXPECT_EQ(parsed(plan)["changes"][0]["name"], "stray");
  EXPECT_EQ(call("GET", "/api/v1/scripts/stray").status, 200);
  ASSERT_EQ(putInventory(*this, "?prune=true", inventoryYaml()).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/scripts/stray").status, 404);
}

TEST_F(AdminTest, InventoryErrorsNameTheLineAndTheServerReadsNoFiles) {
  auto invalid = putInventory(*this, "", "version: 1\nowners:\n  - name: x\n    colour: blue\n");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(reason(invalid), "inventory-invalid");

  auto dangling = putInventory(*this, "",
                               inventoryYaml("  - serial-number: SN-2\n"
                                             "    device-type: nope\n"));
  EXPECT_EQ(dangling.status, 409) << dangling.body;
  EXPECT_EQ(reason(dangling), "inventory-dangling-reference");

  const std::string withFile = "version: 1\nscripts:\n  - name: pre\n    file: scripts/pre.sh\n";
  auto unread = putInventory(*this, "", withFile);
  EXPECT_EQ(unread.status, 400);
  EXPECT_EQ(reason(unread), "inventory-file-unreadable");
  EXPECT_NE(unread.body.find("reads no file on the server"), std::string::npos) << unread.body;

  // The same file sent along in the JSON envelope.
  json envelope = {{"inventory", withFile},
                   {"files", {{"scripts/pre.sh", base64Encode(asBytes("echo hi\n"))}}}};
  auto sent = putInventory(*this, "", envelope.dump(), "application/json");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(parsed(call("GET", "/api/v1/scripts/pre"))["content"],
            base64Encode(asBytes("echo hi\n")));

  // Boot images travel as digests only.
  json image = {{"inventory", "version: 1\nimages:\n  - name: big\n    file: big.img\n"},
                {"digests", {{"big.img", {{"sha256", std::string(64, 'c')}, {"size", 123}}}}}};
  auto digest = putInventory(*this, "", image.dump(), "application/json");
  ASSERT_EQ(digest.status, 200) << digest.body;
  auto stored = parsed(call("GET", "/api/v1/images/big"));
  EXPECT_EQ(stored["sha256"], std::string(64, 'c'));
  EXPECT_EQ(stored["size"], 123);
  EXPECT_EQ(stored["file"], "big.img");

  EXPECT_EQ(putInventory(*this, "", "{}", "application/json").status, 400);
  EXPECT_EQ(putInventory(*this, "", "x", "text/plain").status, 415);
  EXPECT_EQ(reason(putInventory(*this, "?prune=maybe", inventoryYaml())),
            "admin-parameter-invalid");
}

class BulkTest : public AdminTest {
 protected:
  void SetUp() override {
    AdminTest::SetUp();
    addBasics();
  }
  http::Response bulk(const std::string& query, std::string body,
                      std::string type = "application/json") {
    return call("POST", "/api/v1/devices:bulk" + query, std::move(body), std::move(type));
  }
  Bytes voucher(const std::string& serial) {
    artifact::VoucherRequest request{serial, demoPki().ownerCa.certificate};
    auto issued = artifact::issueVoucher(
        request, artifact::Signer{demoPki().masa.certificate, demoPki().masa.key, {}},
        clock_.now());
    EXPECT_TRUE(issued.ok()) << issued.error().describe();
    return issued ? *issued : Bytes{};
  }
  std::uint64_t deviceCount() { return registry_->countDevices(registry::DeviceFilter{}).value(); }
};

TEST_F(BulkTest, CountMismatchAppliesNothing) {
  const json devices = {AdminWorld::device("SN-1"), AdminWorld::device("SN-2")};
  auto wrong = bulk("?expected-count=3", devices.dump());
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_EQ(reason(wrong), "inventory-count-mismatch");
  EXPECT_EQ(wrong.reason, "inventory-count-mismatch");
  EXPECT_EQ(parsed(wrong)["report"]["records"], 2);
  EXPECT_EQ(deviceCount(), 0u);

  auto right = bulk("?expected-count=2", devices.dump());
  ASSERT_EQ(right.status, 200) << right.body;
  EXPECT_TRUE(parsed(right)["applied"].get<bool>());
  EXPECT_EQ(parsed(right)["added"], json({"SN-1", "SN-2"}));
  EXPECT_EQ(deviceCount(), 2u);

  auto again = bulk("?expected-count=2", devices.dump());
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(parsed(again)["unchanged"].size(), 2u);
}

TEST_F(BulkTest, CsvWithDefaultsAndDryRun) {
  const std::string csv =
      "serial-number,owner,activation-code\n"
      "SN-10,acme,c10\n"
      "SN-11,,\n";
  auto dry =
      bulk("?dry-run=true&device-type=dpu&owner=acme&onboarding-profile=full", csv, "text/csv");
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_FALSE(parsed(dry)["applied"].get<bool>());
  EXPECT_EQ(parsed(dry)["added"].size(), 2u);
  EXPECT_EQ(deviceCount(), 0u);

  auto applied =
      bulk("?device-type=dpu&owner=acme&onboarding-profile=full&expected-count=2", csv, "text/csv");
  ASSERT_EQ(applied.status, 200) << applied.body;
  auto device = registry_->getDevice("SN-10").value();
  ASSERT_TRUE(device.has_value());
  EXPECT_EQ(device->deviceType, "dpu");
  ASSERT_EQ(device->responses.size(), 1u);
  EXPECT_EQ(device->responses[0].profile, "full");
  EXPECT_FALSE(device->activationCodeHash.empty());

  EXPECT_EQ(reason(bulk("?onboarding-profile=full&redirect-profile=lab", csv, "text/csv")),
            "admin-parameter-invalid");
  EXPECT_EQ(bulk("", csv, "application/xml").status, 415);
}

TEST_F(BulkTest, InvalidRecordsRefuseTheWholeImportUnlessSkipped) {
  const json devices = {AdminWorld::device("SN-1"), AdminWorld::device("SN-2", "nope")};
  auto refused = bulk("", devices.dump());
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(reason(refused), "inventory-bulk-rejected");
  ASSERT_EQ(parsed(refused)["report"]["errors"].size(), 1u);
  EXPECT_EQ(parsed(refused)["report"]["errors"][0]["source"], "[1]");
  EXPECT_EQ(deviceCount(), 0u);

  auto skipped = bulk("?skip-invalid=true", devices.dump());
  ASSERT_EQ(skipped.status, 200) << skipped.body;
  EXPECT_EQ(parsed(skipped)["added"], json({"SN-1"}));
  EXPECT_EQ(parsed(skipped)["errors"].size(), 1u);
  EXPECT_EQ(deviceCount(), 1u);
}

TEST_F(BulkTest, VoucherFolderTakesSerialsFromTheVouchers) {
  json envelope = {
      {"vouchers",
       {{"a.vcj", base64Encode(voucher("SN-V1"))}, {"b.vcj", base64Encode(voucher("SN-V2"))}}}};
  auto reply =
      bulk("?device-type=dpu&owner=acme&onboarding-profile=full&expected-count=2", envelope.dump());
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto device = registry_->getDevice("SN-V2").value();
  ASSERT_TRUE(device.has_value());
  EXPECT_TRUE(device->ownershipVoucher.has_value());
  EXPECT_EQ(device->owner, "acme");

  json garbage = {{"vouchers", {{"bad.vcj", base64Encode(asBytes("junk"))}}}};
  auto bad = bulk("?device-type=dpu", garbage.dump());
  EXPECT_EQ(bad.status, 400) << bad.body;

  EXPECT_EQ(reason(bulk("", json{{"csv", "x"}, {"devices", json::array()}}.dump())),
            "admin-body-malformed");
  EXPECT_EQ(reason(bulk("", "42")), "admin-body-malformed");
}

TEST_F(BulkTest, CsvNamingVouchersGetsThemFromTheEnvelope) {
  json envelope = {{"csv", "serial-number,device-type,ownership-voucher\nSN-C1,dpu,v/c1.vcj\n"},
                   {"files", {{"v/c1.vcj", base64Encode(voucher("SN-C1"))}}}};
  auto reply = bulk("?owner=acme&onboarding-profile=full", envelope.dump());
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(registry_->getDevice("SN-C1").value()->ownershipVoucher.has_value());
}

TEST(BulkLimits, TheBulkBodyLimitIsItsOwn) {
  AdminWorld world;
  AdminLimits limits;
  limits.maxBodyBytes = 100;
  limits.maxBulkBodyBytes = 200;
  ASSERT_TRUE(world.build(std::nullopt, limits));
  EXPECT_NE(world.call("POST", "/api/v1/devices:bulk", std::string(150, ' ')).status, 413);
  EXPECT_EQ(world.call("POST", "/api/v1/devices:bulk", std::string(250, ' ')).status, 413);
  EXPECT_EQ(world.call("POST", "/api/v1/devices", std::string(150, ' ')).status, 413);
}

}  // namespace
}  // namespace sztp::admin::testing
