// Bulk import: CSV, JSON and .vcj folders, count check, bad records with
// their lines, merging into existing devices, and a 100k-device batch.
#include "inventory/bulk.h"

#include <gtest/gtest.h>

#include <chrono>

#include "common/base64.h"
#include "crypto/password_hash.h"
#include "inventory/csv.h"
#include "inventory/inventory_error.h"
#include "inventory/tests/inventory_fixture.h"

namespace sztp::inventory::test {
namespace {

class BulkTest : public InventoryTest {
 protected:
  void SetUp() override {
    InventoryTest::SetUp();
    // The objects devices refer to, from the YAML inventory, without devices.
    std::string yaml = fullYaml();
    apply(yaml.substr(0, yaml.find("devices:")));
  }

  BulkReadOptions readOptions() const {
    BulkReadOptions options;
    options.files = files();
    return options;
  }
  BulkOptions bulkOptions() const {
    BulkOptions options;
    options.hasher = testHasher();
    return options;
  }
  BulkPlan planned(const BulkInput& input, const BulkOptions& options) {
    auto plan = planBulkImport(input, *registry_, options);
    EXPECT_TRUE(plan) << plan.error().describe();
    return plan ? std::move(*plan) : BulkPlan{};
  }
  void applied(const BulkPlan& plan) {
    ASSERT_FALSE(plan.refused) << plan.refused->describe();
    auto result = registry_->apply(plan.changes);
    ASSERT_TRUE(result) << result.error().describe();
  }
  registry::Device device(const std::string& serial) {
    auto stored = registry_->getDevice(serial);
    EXPECT_TRUE(stored && *stored) << serial;
    return stored && *stored ? **stored : registry::Device{};
  }
};

const std::string kCsv =
    "serial-number,device-type,owner,activation-code,ownership-voucher,enabled,onboarding-profile\n"
    "SN-0001,dpu,example,secret-1,vouchers/SN-0001.vcj,true,standard\n"
    "SN-0002,dpu,example,,vouchers/SN-0002.vcj,false,\n"
    "\"SN-0003\",\"dpu\",,,,,\n";

TEST_F(BulkTest, CsvAddsThenLeavesUnchanged) {
  auto input = readDeviceCsv(kCsv, readOptions());
  ASSERT_TRUE(input) << input.error().describe();
  EXPECT_EQ(input->count, 3u);
  EXPECT_TRUE(input->errors.empty());
  auto options = bulkOptions();
  options.expectedCount = 3;
  const BulkPlan plan = planned(*input, options);
  EXPECT_EQ(plan.report.added, (std::vector<std::string>{"SN-0001", "SN-0002", "SN-0003"}));
  EXPECT_EQ(plan.report.summary(), "3 records: 3 added, 0 updated, 0 unchanged, 0 errors\n");
  applied(plan);

  const auto first = device("SN-0001");
  EXPECT_EQ(first.owner, "example");
  EXPECT_EQ(first.ownershipVoucher, voucherFor("SN-0001"));
  ASSERT_EQ(first.responses.size(), 1u);
  EXPECT_EQ(first.responses[0].profile, "standard");
  EXPECT_EQ(first.responses[0].kind, registry::Response::Kind::Onboarding);
  auto matches = crypto::verifySecret("secret-1", first.activationCodeHash);
  EXPECT_TRUE(matches && *matches);
  EXPECT_FALSE(device("SN-0002").enabled);
  EXPECT_TRUE(device("SN-0003").owner.empty());

  auto again = planned(*input, options);
  EXPECT_TRUE(again.changes.empty());
  EXPECT_EQ(again.report.unchanged.size(), 3u);
}

TEST_F(BulkTest, CountMismatchAppliesNothing) {
  auto input = readDeviceCsv(kCsv, readOptions());
  ASSERT_TRUE(input);
  auto options = bulkOptions();
  options.expectedCount = 4;
  const BulkPlan plan = planned(*input, options);
  ASSERT_TRUE(plan.refused);
  EXPECT_EQ(*plan.refused, InventoryErrc::CountMismatch);
  EXPECT_EQ(plan.refused->detail(), "expected 4 records, the input holds 3");
  EXPECT_TRUE(plan.changes.empty());
}

TEST_F(BulkTest, BadRowsAreReportedWithTheirLines) {
  const std::string csv =
      "serial-number,device-type,owner,ownership-voucher,enabled,redirect-profile\n"
      "SN-0001,dpu,example,vouchers/SN-0001.vcj,true,lab\n"  // line 2: fine
      "SN-0002,dpu,example,vouchers/SN-0003.vcj,true,\n"     // line 3: wrong voucher
      "SN-0004,nope,,,,\n"                                   // line 4: unknown type
      "\n"                                                   // blank: skipped
      "SN-0005,dpu,,,maybe,\n"                               // line 6: bad boolean
      "SN-0001,dpu,,,,\n"                                    // line 7: duplicate
      "SN-0006,dpu\n"                                        // line 8: short row
      "SN-0007,dpu,example,,,standard\n"                     // line 9: wrong kind
      "SN-0008,dpu,,vouchers/missing.vcj,,\n";               // line 10: no file
  auto input = readDeviceCsv(csv, readOptions());
  ASSERT_TRUE(input) << input.error().describe();
  EXPECT_EQ(input->count, 8u);
  const BulkPlan plan = planned(*input, bulkOptions());
  ASSERT_TRUE(plan.refused);
  EXPECT_EQ(*plan.refused, InventoryErrc::BulkRejected);
  EXPECT_TRUE(plan.changes.empty());
  std::map<std::string, std::string> errors;
  for (const auto& e : plan.report.errors) {
    errors[e.source] = e.error.describe();
  }
  ASSERT_EQ(errors.size(), 7u) << plan.report.summary();
  EXPECT_NE(errors["line 3"].find("for serial number 'SN-0003', not 'SN-0002'"), std::string::npos);
  EXPECT_NE(errors["line 4"].find("inventory-dangling-reference: "), std::string::npos);
  EXPECT_NE(errors["line 4"].find("device-type 'nope'"), std::string::npos);
  EXPECT_NE(errors["line 6"].find("enabled: must be true or false"), std::string::npos);
  EXPECT_NE(errors["line 7"].find("'SN-0001' is also at line 2"), std::string::npos);
  EXPECT_NE(errors["line 8"].find("2 fields where the header has 6"), std::string::npos);
  EXPECT_NE(errors["line 9"].find("redirect-profile 'standard'"), std::string::npos)
      << errors["line 9"];
  EXPECT_NE(errors["line 10"].find("inventory-file-unreadable"), std::string::npos);
  EXPECT_NE(plan.refused->detail().find("7 of 8 records are invalid; line 3: "), std::string::npos);

  // The valid record alone, when asked to.
  auto options = bulkOptions();
  options.skipInvalid = true;
  const BulkPlan partial = planned(*input, options);
  EXPECT_FALSE(partial.refused);
  EXPECT_EQ(partial.report.added, (std::vector<std::string>{"SN-0001"}));
  applied(partial);
}

TEST_F(BulkTest, MalformedCsvFailsAsAWhole) {
  auto unknown = readDeviceCsv("serial-number,colour\nSN-1,blue\n", readOptions());
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().detail().find("line 1: unknown column 'colour'"), std::string::npos);
  auto noSerial = readDeviceCsv("owner\nexample\n", readOptions());
  ASSERT_FALSE(noSerial);
  auto quote = readDeviceCsv("serial-number\n\"SN-1\n", readOptions());
  ASSERT_FALSE(quote);
  EXPECT_NE(quote.error().detail().find("line 2: a quoted field is not closed"), std::string::npos);
}

TEST_F(BulkTest, EmptyCellsKeepStoredValues) {
  applied(planned(*readDeviceCsv(kCsv, readOptions()), bulkOptions()));
  const auto before = device("SN-0001");
  // Only the owner column, emptied for SN-0001: nothing changes; SN-0003 gains an owner.
  auto input = readDeviceCsv("serial-number,owner\nSN-0001,\nSN-0003,example\n", readOptions());
  ASSERT_TRUE(input);
  const BulkPlan plan = planned(*input, bulkOptions());
  EXPECT_EQ(plan.report.unchanged, (std::vector<std::string>{"SN-0001"}));
  EXPECT_EQ(plan.report.updated, (std::vector<std::string>{"SN-0003"}));
  applied(plan);
  EXPECT_EQ(device("SN-0001"), before);
  EXPECT_EQ(device("SN-0003").owner, "example");
}

TEST_F(BulkTest, NewDevicesNeedAType) {
  auto input = readDeviceCsv("serial-number\nSN-0009\n", readOptions());
  ASSERT_TRUE(input);
  const BulkPlan refused = planned(*input, bulkOptions());
  ASSERT_EQ(refused.report.errors.size(), 1u);
  EXPECT_NE(refused.report.errors[0].error.detail().find("no device-type for new device"),
            std::string::npos);
  auto options = bulkOptions();
  options.defaultDeviceType = "dpu";
  options.defaultOwner = "example";
  registry::Response response;
  response.name = "standard";
  response.profile = "standard";
  options.defaultResponses = {response};
  const BulkPlan plan = planned(*input, options);
  applied(plan);
  EXPECT_EQ(device("SN-0009").responses, options.defaultResponses);
}

TEST_F(BulkTest, JsonArrayOfDevices) {
  const std::string json = R"([
    {"serial-number": "SN-0001", "device-type": "dpu", "owner": "example",
     "activation-code": "s3cret",
     "ownership-voucher": ")" +
                           base64Encode(voucherFor("SN-0001")) + R"(",
     "responses": [{"name": "lab", "kind": "redirect", "profile": "lab",
                    "conditions": [{"field": "hw-model", "match": "wildcard", "value": "DPU-*"}]}]},
    {"serial-number": "SN-0002", "device-type": "dpu", "enabled": false},
    {"serial-number": "SN-0003", "device-type": "dpu", "colour": "blue"},
    {"serial-number": "SN-0004", "device-type": "dpu",
     "ownership-voucher": ")" +
                           base64Encode(voucherFor("SN-0001")) + R"("},
    "not an object"
  ])";
  auto input = readDeviceJson(json, readOptions());
  ASSERT_TRUE(input) << input.error().describe();
  EXPECT_EQ(input->count, 5u);
  ASSERT_EQ(input->errors.size(), 3u);
  EXPECT_EQ(input->errors[0].source, "[2]");
  EXPECT_NE(input->errors[0].error.detail().find("colour"), std::string::npos);
  EXPECT_EQ(input->errors[1].source, "[3]");
  EXPECT_EQ(input->errors[1].error, InventoryErrc::VoucherInvalid);
  EXPECT_EQ(input->errors[2].source, "[4]");
  auto options = bulkOptions();
  options.skipInvalid = true;
  applied(planned(*input, options));
  const auto first = device("SN-0001");
  ASSERT_EQ(first.responses.size(), 1u);
  EXPECT_EQ(first.responses[0].conditions[0].match, registry::Condition::Match::Wildcard);
  auto matches = crypto::verifySecret("s3cret", first.activationCodeHash);
  EXPECT_TRUE(matches && *matches);

  // A partial object updates only what it names.
  auto update =
      readDeviceJson(R"([{"serial-number": "SN-0001", "enabled": false}])", readOptions());
  ASSERT_TRUE(update);
  applied(planned(*update, bulkOptions()));
  const auto after = device("SN-0001");
  EXPECT_FALSE(after.enabled);
  EXPECT_EQ(after.responses, first.responses);
  EXPECT_EQ(after.activationCodeHash, first.activationCodeHash);

  EXPECT_FALSE(readDeviceJson("{\"serial-number\": \"x\"}", readOptions()));
  EXPECT_FALSE(readDeviceJson("[", readOptions()));
  auto deep = readDeviceJson(std::string(100, '[') + std::string(100, ']'), readOptions());
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error(), InventoryErrc::LimitExceeded);
}

TEST_F(BulkTest, VoucherFolderTakesSerialsFromVouchers) {
  // SN-0001 exists already: only its voucher changes.
  applied(planned(*readDeviceCsv("serial-number,device-type,owner,onboarding-profile\n"
                                 "SN-0001,dpu,example,standard\n",
                                 readOptions()),
                  bulkOptions()));
  const std::vector<std::string> paths = {"vouchers/SN-0001.vcj", "vouchers/SN-0002.vcj",
                                          "vouchers/SN-0003.vcj"};
  auto read = readOptions();
  read.vouchers.trustAnchors = {demoPki().masaCa.certificate};
  read.vouchers.at = fixedNow();
  const BulkInput input = readVoucherFiles(paths, read);
  EXPECT_EQ(input.count, 3u);
  ASSERT_TRUE(input.errors.empty()) << input.errors[0].error.describe();
  EXPECT_EQ(input.records[1].serialNumber, "SN-0002");
  EXPECT_EQ(input.records[1].source, "vouchers/SN-0002.vcj");

  auto options = bulkOptions();
  options.expectedCount = 3;
  options.defaultDeviceType = "dpu";
  const BulkPlan plan = planned(input, options);
  EXPECT_EQ(plan.report.updated, (std::vector<std::string>{"SN-0001"}));
  EXPECT_EQ(plan.report.added, (std::vector<std::string>{"SN-0002", "SN-0003"}));
  applied(plan);
  const auto first = device("SN-0001");
  EXPECT_EQ(first.ownershipVoucher, voucherFor("SN-0001"));
  EXPECT_EQ(first.responses.size(), 1u);  // Kept.
  EXPECT_EQ(device("SN-0003").deviceType, "dpu");
}

TEST_F(BulkTest, VoucherSignaturesAreCheckedAgainstTheMasaAnchors) {
  dir_.write("vouchers/garbage.vcj", "not a voucher");
  auto read = readOptions();
  read.vouchers.trustAnchors = {demoPki().tlsCa.certificate};  // Not the MASA's CA.
  read.vouchers.at = fixedNow();
  const BulkInput input =
      readVoucherFiles({"vouchers/SN-0001.vcj", "vouchers/garbage.vcj", "vouchers/none.vcj"}, read);
  ASSERT_EQ(input.errors.size(), 3u);
  EXPECT_EQ(input.errors[0].error, InventoryErrc::VoucherInvalid);
  EXPECT_NE(input.errors[0].error.detail().find("signature: "), std::string::npos);
  EXPECT_EQ(input.errors[1].error, InventoryErrc::VoucherInvalid);
  EXPECT_EQ(input.errors[2].error, InventoryErrc::FileUnreadable);
  const BulkPlan plan = planned(input, bulkOptions());
  ASSERT_TRUE(plan.refused);
  EXPECT_EQ(plan.report.records, 3u);
}

// Fleet scale: 100,000 devices in one CSV become one batch and one
// transaction. Bounds are loose (shared CI machine, debug build); the
// figures are printed for docs/inventory.md.
TEST_F(BulkTest, HundredThousandDevices) {
  constexpr int kDevices = 100000;
  std::string csv = "serial-number,device-type,owner,redirect-profile\n";
  csv.reserve(kDevices * 40);
  for (int i = 0; i < kDevices; ++i) {
    char serial[16];
    std::snprintf(serial, sizeof serial, "FLEET-%06d", i);
    csv += std::string(serial) + ",dpu,example,lab\n";
  }
  const auto start = std::chrono::steady_clock::now();
  auto input = readDeviceCsv(csv, readOptions());
  ASSERT_TRUE(input);
  auto options = bulkOptions();
  options.expectedCount = kDevices;
  const BulkPlan plan = planned(*input, options);
  const auto planned = std::chrono::steady_clock::now();
  EXPECT_EQ(plan.report.added.size(), static_cast<std::size_t>(kDevices));
  applied(plan);
  const auto done = std::chrono::steady_clock::now();
  auto count = registry_->countDevices({});
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, static_cast<std::uint64_t>(kDevices));
  using ms = std::chrono::milliseconds;
  std::printf("100k devices: read+plan %lld ms, apply %lld ms\n",
              static_cast<long long>(std::chrono::duration_cast<ms>(planned - start).count()),
              static_cast<long long>(std::chrono::duration_cast<ms>(done - planned).count()));
  EXPECT_LT(done - start, std::chrono::seconds(240));
}

TEST(Csv, QuotingAndLineEndings) {
  auto records = parseCsv(
      "\xEF\xBB\xBF"
      "a,\"b,c\",\"d\"\"e\"\r\n\"multi\nline\",x,\r\n\n,,\n");
  ASSERT_TRUE(records) << records.error().describe();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].fields, (std::vector<std::string>{"a", "b,c", "d\"e"}));
  EXPECT_EQ((*records)[0].line, 1u);
  EXPECT_EQ((*records)[1].fields, (std::vector<std::string>{"multi\nline", "x", ""}));
  EXPECT_EQ((*records)[1].line, 2u);
  EXPECT_EQ((*records)[2].fields, (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ((*records)[2].line, 5u);
  EXPECT_FALSE(parseCsv("\"a\"b\n"));
  CsvLimits limits;
  limits.maxFields = 2;
  EXPECT_EQ(parseCsv("a,b,c\n", limits).error(), InventoryErrc::LimitExceeded);
}

}  // namespace
}  // namespace sztp::inventory::test
