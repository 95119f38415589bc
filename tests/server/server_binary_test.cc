// The sztp-server binary as an operator runs it: YAML configuration, an
// inventory file, TLS files on disk; checked with --check-config, driven over
// loopback mutual TLS, stopped with signals, and SIGKILLed mid-stream to show
// that every progress report answered 204 survives.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include "artifact/voucher_issuer.h"
#include "crypto/digest.h"
#include "net/tests/test_client.h"
#include "pki/demo_pki.h"
#include "registry/sqlite/sqlite_registry.h"
#include "server_process.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"
#include "trust/signed_data_validator.h"

namespace sztp::server::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kGbd =
    "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
constexpr std::string_view kProgress =
    "/restconf/operations/ietf-sztp-bootstrap-server:report-progress";
constexpr std::string_view kToken = "test-admin-token-0123456789";

class ServerBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    pki::DemoPkiOptions options;
    options.serialNumbers = {"SN-1", "SN-2"};
    auto created = pki::createDemoPki(options, now - 1h);
    ASSERT_TRUE(created.ok()) << created.error().describe();
    pki_ = std::make_unique<pki::DemoPki>(std::move(*created));
    dir_.write("tls/server.crt",
               pki_->server.certificate.toPem() + pki_->tlsCa.certificate.toPem());
    ::chmod(dir_.write("tls/server.key", pki_->server.key.toPem()).c_str(), 0600);
    dir_.write("pki/manufacturer-ca.pem", pki_->manufacturerCa.certificate.toPem());
    dir_.write("pki/owner-chain.pem", pki_->owner.certificate.toPem());
    ::chmod(dir_.write("pki/owner.key", pki_->owner.key.toPem()).c_str(), 0600);
    auto voucher = artifact::issueVoucher({"SN-1", pki_->ownerCa.certificate},
                                          {pki_->masa.certificate, pki_->masa.key, {}}, now);
    ASSERT_TRUE(voucher.ok());
    dir_.write("vouchers/SN-1.vcj", *voucher);
    dir_.write("files/os-2.img", "the image");
    dir_.write("admin.token", std::string(kToken) + "\n");
    dir_.write("inventory.yaml", R"(version: 1
device-types:
  - name: dpu
    idevid-trust-anchors: pki/manufacturer-ca.pem
owners:
  - name: acme
    certificate-chain: pki/owner-chain.pem
    signing-key: pki/owner.key
images:
  - name: os-2
    os-name: DemoOS
    os-version: "2.0"
    file: files/os-2.img
onboarding-profiles:
  - name: full
    image: os-2
devices:
  - serial-number: SN-1
    device-type: dpu
    owner: acme
    ownership-voucher: vouchers/SN-1.vcj
    responses:
      - profile: full
)");
    config_ = dir_.write("sztp-server.yaml", R"(registry: state/registry.db
inventory: inventory.yaml
handler-threads: 2
bootstrap:
  listen: ["127.0.0.1:0"]
  tls: {certificate: tls/server.crt, key: tls/server.key}
files:
  listen: ["127.0.0.1:0"]
  root: files
  base-urls: [https://files.example.net]
admin:
  listen: ["127.0.0.1:0"]
  token-files: [admin.token]
)");
  }

  bool startServer() {
    return server_.start(testutil::binaryPath("sztp-server"), config_, dir_ / "server.log",
                         {"bootstrap", "files", "admin"});
  }

  std::unique_ptr<net::testing::TestClient> device(const std::string& serial) {
    net::testing::ClientOptions options;
    options.tls = true;
    options.clientChainPem = pki_->idevids.at(serial).certificate.toPem();
    options.clientKeyPem = pki_->idevids.at(serial).key.toPem();
    return net::testing::TestClient::connect(server_.port("bootstrap"), options);
  }

  testutil::TempDir dir_;
  std::unique_ptr<pki::DemoPki> pki_;
  std::filesystem::path config_;
  ServerProcess server_;
};

TEST_F(ServerBinaryTest, CheckConfigLoadsEverythingAndSaysWhatItWouldServe) {
  auto result = testutil::runCommand(
      {testutil::binaryPath("sztp-server"), "--config", config_.string(), "--check-config"});
  EXPECT_EQ(result.exitCode, 0) << result.output;
  EXPECT_NE(result.output.find("devices: 1"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("configuration OK"), std::string::npos) << result.output;

  dir_.write("bad.yaml", "bootstrap:\n  listen: [\"127.0.0.1:0\"]\n  tsl: {}\n");
  result = testutil::runCommand({testutil::binaryPath("sztp-server"), "--config",
                                 (dir_ / "bad.yaml").string(), "--check-config"});
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_NE(result.output.find("bootstrap.tsl (line 3): unknown key"), std::string::npos)
      << result.output;

  result = testutil::runCommand({testutil::binaryPath("sztp-server"), "--bogus"});
  EXPECT_EQ(result.exitCode, 2) << result.output;
}

TEST_F(ServerBinaryTest, VoucherTrustAnchorsMakeTheInventoryCheckVoucherSignatures) {
  const std::string config = testutil::readText(config_);
  // The voucher was signed by the demo MASA: its CA lets it in ...
  dir_.write("pki/masa-ca.pem", pki_->masaCa.certificate.toPem());
  dir_.write("masa-ok.yaml", config + "voucher-trust-anchors: [pki/masa-ca.pem]\n");
  auto result = testutil::runCommand({testutil::binaryPath("sztp-server"), "--config",
                                      (dir_ / "masa-ok.yaml").string(), "--check-config"});
  EXPECT_EQ(result.exitCode, 0) << result.output;

  // ... another manufacturer's CA does not, and the error names the device.
  dir_.write("pki/other-ca.pem", pki_->ownerCa.certificate.toPem());
  dir_.write("masa-other.yaml", config + "voucher-trust-anchors: [pki/other-ca.pem]\n");
  result = testutil::runCommand({testutil::binaryPath("sztp-server"), "--config",
                                 (dir_ / "masa-other.yaml").string(), "--check-config"});
  EXPECT_EQ(result.exitCode, 1) << result.output;
  EXPECT_NE(result.output.find("voucher"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("devices[0].ownership-voucher"), std::string::npos) << result.output;
}

TEST_F(ServerBinaryTest, AnLdevidCaThatCannotIssueStopsTheServerAtCheckConfig) {
  const std::string inventory = testutil::readText(dir_ / "inventory.yaml");
  const std::string typeLine = "    idevid-trust-anchors: pki/manufacturer-ca.pem\n";
  auto withLdevid = [&](const std::string& key) {
    std::string text = inventory;
    text.insert(text.find(typeLine) + typeLine.size(),
                "    ldevid:\n      ca-certificate: pki/owner-ca.pem\n      ca-key: " + key + "\n");
    return text;
  };
  dir_.write("pki/owner-ca.pem", pki_->ownerCa.certificate.toPem());
  ::chmod(dir_.write("pki/owner-ca.key", pki_->ownerCa.key.toPem()).c_str(), 0600);

  dir_.write("inventory.yaml", withLdevid("pki/owner-ca.key"));
  auto result = testutil::runCommand(
      {testutil::binaryPath("sztp-server"), "--config", config_.string(), "--check-config"});
  EXPECT_EQ(result.exitCode, 0) << result.output;

  // The owner's key does not belong to the owner CA's certificate.
  dir_.write("inventory.yaml", withLdevid("pki/owner.key"));
  result = testutil::runCommand(
      {testutil::binaryPath("sztp-server"), "--config", config_.string(), "--check-config"});
  EXPECT_EQ(result.exitCode, 1) << result.output;
  EXPECT_NE(result.output.find("device type \"dpu\" ldevid"), std::string::npos) << result.output;
}

TEST_F(ServerBinaryTest, ServesDevicesAdminMetricsAndStopsGracefully) {
  ASSERT_TRUE(startServer()) << server_.log();
  auto client = device("SN-1");
  ASSERT_NE(client, nullptr);
  auto answer = client->request("POST", std::string(kGbd),
                                {{"Content-Type", "application/yang-data+json"}}, "");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body << server_.log();
  auto output = model::parseGetBootstrappingDataOutput(answer->body, model::Encoding::Json);
  ASSERT_TRUE(output.ok());
  trust::ValidationContext context;
  context.voucherTrustAnchors = {pki_->masaCa.certificate};
  context.serialNumber = "SN-1";
  context.idevid = pki_->idevids.at("SN-1").certificate;
  auto validated = trust::validateBootstrappingData(
      {output->conveyedInformation, output->ownerCertificate, output->ownershipVoucher}, context);
  ASSERT_TRUE(validated.ok()) << validated.error().describe();
  const auto& image = std::get<model::OnboardingInformation>(validated->information).bootImage;
  ASSERT_TRUE(image);
  EXPECT_EQ(image->downloadUris.at(0), "https://files.example.net/os-2.img");
  EXPECT_EQ(image->imageVerification.at(0).hashValue, crypto::sha256(asBytes("the image")));

  // An unregistered device: 401, and the log says why.
  auto stranger = device("SN-2");
  auto refused = stranger->request("POST", std::string(kGbd), {}, "");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_TRUE(server_.waitForLog("device-unknown", 5s)) << server_.log();

  // The file server streams the image with ranges.
  net::testing::ClientOptions tls;
  tls.tls = true;
  auto files = net::testing::TestClient::connect(server_.port("files"), tls);
  ASSERT_NE(files, nullptr);
  auto part = files->request("GET", "/os-2.img", {{"Range", "bytes=4-8"}});
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->body, "image");

  // Admin: health and metrics open on loopback, the API needs the token.
  auto admin = net::testing::TestClient::connect(server_.port("admin"));
  ASSERT_NE(admin, nullptr);
  auto health = admin->request("GET", "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto metrics = admin->request("GET", "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find(
                "sztp_requests_total{listener=\"bootstrap\",endpoint=\"get-bootstrapping-data\","
                "status=\"200\"} 1"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("sztp_onboarding_devices{stage=\"contacted\"} 1"), std::string::npos)
      << metrics->body;
  auto anonymous = admin->request("GET", "/api/v1/devices");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto devices = admin->request("GET", "/api/v1/devices",
                                {{"Authorization", "Bearer " + std::string(kToken)}});
  ASSERT_TRUE(devices);
  EXPECT_EQ(devices->status, 200) << devices->body;
  EXPECT_NE(devices->body.find("\"SN-1\""), std::string::npos) << devices->body;

  // SIGHUP reloads; SIGTERM stops cleanly and the audit trail is stored.
  EXPECT_EQ(server_.signal(SIGHUP), 0);
  EXPECT_TRUE(server_.waitForLog("SZTP-S0013", 10s)) << server_.log();
  EXPECT_EQ(server_.signal(SIGTERM), 0) << server_.log();
  EXPECT_NE(server_.log().find("SZTP-S0021 stopped"), std::string::npos);

  registry::SqliteOptions sqlite;
  sqlite.path = dir_ / "state/registry.db";
  auto registry = registry::openSqliteRegistry(sqlite);
  ASSERT_TRUE(registry.ok());
  auto audit = (*registry)->listAudit({0, "", 1000});
  ASSERT_TRUE(audit.ok());
  bool sawRefusal = false;
  for (const auto& record : *audit) {
    sawRefusal |= record.reason == "device-unknown" && record.status == 401;
  }
  EXPECT_TRUE(sawRefusal);
}

TEST_F(ServerBinaryTest, EveryProgressReportAnswered204SurvivesAKill) {
  ASSERT_TRUE(startServer()) << server_.log();
  auto client = device("SN-1");
  ASSERT_NE(client, nullptr);
  int acknowledged = 0;
  for (int i = 0; i < 20; ++i) {
    auto reply = client->request(
        "POST", std::string(kProgress), {{"Content-Type", "application/yang-data+json"}},
        R"({"ietf-sztp-bootstrap-server:input":{"progress-type":"informational","message":"step )" +
            std::to_string(i) + "\"}}");
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->status, 204);
    ++acknowledged;
  }
  EXPECT_EQ(server_.signal(SIGKILL), 128 + SIGKILL);
  registry::SqliteOptions sqlite;
  sqlite.path = dir_ / "state/registry.db";
  auto registry = registry::openSqliteRegistry(sqlite);
  ASSERT_TRUE(registry.ok()) << registry.error().describe();
  auto events = (*registry)->listEvents("SN-1", 0, 1000);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(static_cast<int>(events->size()), acknowledged);
  EXPECT_EQ(events->back().message, "step 19");
}

}  // namespace
}  // namespace sztp::server::testing
