// The bootstrap service behind the real transport, over loopback mutual TLS:
// curl (the CLI, as operators and scripts use it) and a C++ Beast client
// doing a device's whole conversation on one connection.

#include <gtest/gtest.h>

#include "bootstrap/tests/service_fixture.h"
#include "net/http_server.h"
#include "net/tests/test_client.h"
#include "testutil/command.h"

namespace sztp::server::testing {
namespace {

using bootstrap::testing::kGbdPath;
using bootstrap::testing::kProgressPath;

class BootstrapTlsTest : public ::testing::Test, public bootstrap::testing::ServiceWorld {
 protected:
  void SetUp() override {
    ASSERT_TRUE(build());
    net::ListenerSettings listener;
    listener.name = "bootstrap";
    listener.address = "127.0.0.1";
    net::TlsSettings tls;
    tls.certificateChainPem = pki_->server.certificate.toPem() + pki_->tlsCa.certificate.toPem();
    tls.privateKeyPem = pki_->server.key.toPem();
    listener.tls = tls;
    listener.maxBodyBytes = 64 * 1024;
    net::ServerSettings settings;
    settings.listeners = {listener};
    settings.handlerThreads = 2;
    auto created = net::HttpServer::create(
        settings, {{"bootstrap",
                    [this](const http::Request& r, const http::Peer& p) { return handle(r, p); }}});
    ASSERT_TRUE(created.ok()) << created.error().describe();
    server_ = std::move(*created);
    ASSERT_TRUE(server_->start().ok());
    port_ = server_->boundPort("bootstrap");
    ca_ = dir_.write("tls-ca.crt", pki_->tlsCa.certificate.toPem());
    for (const auto& serial : {"SN-1", "SN-3"}) {
      dir_.write(std::string(serial) + ".crt", pki_->idevids.at(serial).certificate.toPem());
      dir_.write(std::string(serial) + ".key", pki_->idevids.at(serial).key.toPem());
    }
  }
  void TearDown() override {
    if (server_) {
      server_->stop(std::chrono::seconds(1));
    }
  }

  std::string url(std::string_view path) const {
    return "https://localhost:" + std::to_string(port_) + std::string(path);
  }

  /// curl as a device would call: client certificate, our CA, JSON.
  testutil::CommandResult curl(const std::string& serial, std::string_view path,
                               const std::string& body, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{"curl",
                                  "-sS",
                                  "--max-time",
                                  "20",
                                  "--cacert",
                                  ca_.string(),
                                  "--cert",
                                  (dir_ / (serial + ".crt")).string(),
                                  "--key",
                                  (dir_ / (serial + ".key")).string(),
                                  "-H",
                                  "Content-Type: application/yang-data+json",
                                  "-H",
                                  "Accept: application/yang-data+json",
                                  "--data-binary",
                                  body,
                                  "-w",
                                  "\n%{http_code}",
                                  url(path)};
    argv.insert(argv.begin() + 1, extra.begin(), extra.end());
    return testutil::runCommand(argv, 30);
  }

  static std::pair<std::string, int> split(const std::string& output) {
    const auto newline = output.rfind('\n');
    if (newline == std::string::npos) {
      return {output, 0};
    }
    return {output.substr(0, newline), std::atoi(output.c_str() + newline + 1)};
  }

  std::unique_ptr<net::HttpServer> server_;
  std::uint16_t port_ = 0;
  std::filesystem::path ca_;
};

TEST_F(BootstrapTlsTest, CurlGetsASignedAnswerTheDeviceAccepts) {
  if (!testutil::haveProgram("curl")) {
    GTEST_SKIP() << "curl is not installed (scripts/install-deps.sh installs it)";
  }
  for (const char* version : {"--tlsv1.3", "--tls-max"}) {
    std::vector<std::string> extra{version};
    if (std::string(version) == "--tls-max") {
      extra = {"--tlsv1.2", "--tls-max", "1.2"};
    }
    auto result = curl("SN-1", kGbdPath,
                       R"({"ietf-sztp-bootstrap-server:input":{"os-version":"2.0"}})", extra);
    ASSERT_EQ(result.exitCode, 0) << result.output;
    auto [body, status] = split(result.output);
    ASSERT_EQ(status, 200) << body;
    http::Response response;
    response.status = 200;
    response.body = body;
    auto validated = validateAsDevice(response, "SN-1", model::Encoding::Json);
    ASSERT_TRUE(validated.ok()) << validated.error().describe();
  }
}

TEST_F(BootstrapTlsTest, CurlWithAnUnregisteredDeviceGets401AndNothingElse) {
  if (!testutil::haveProgram("curl")) {
    GTEST_SKIP() << "curl is not installed";
  }
  auto result = curl("SN-3", kGbdPath, "");
  ASSERT_EQ(result.exitCode, 0) << result.output;
  auto [body, status] = split(result.output);
  EXPECT_EQ(status, 401);
  EXPECT_EQ(body.find("SN-3"), std::string::npos) << body;
  EXPECT_NE(body.find("access-denied"), std::string::npos) << body;
}

TEST_F(BootstrapTlsTest, ADeviceConversationOnOneConnection) {
  net::testing::ClientOptions options;
  options.tls = true;
  options.clientChainPem = pki_->idevids.at("SN-1").certificate.toPem();
  options.clientKeyPem = pki_->idevids.at("SN-1").key.toPem();
  auto client = net::testing::TestClient::connect(port_, options);
  ASSERT_NE(client, nullptr);
  const http::Headers json{{"Content-Type", "application/yang-data+json"},
                           {"Accept", "application/yang-data+json"}};
  auto answer = client->request("POST", std::string(kGbdPath), json, "");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body;
  http::Response response;
  response.body = answer->body;
  ASSERT_TRUE(validateAsDevice(response, "SN-1", model::Encoding::Json).ok());
  for (const char* type : {"bootstrap-initiated", "parsing-initiated", "parsing-complete",
                           "boot-image-initiated", "bootstrap-complete"}) {
    auto reply = client->request(
        "POST", std::string(kProgressPath), json,
        std::string(R"({"ietf-sztp-bootstrap-server:input":{"progress-type":")") + type + "\"}}");
    ASSERT_TRUE(reply) << type;
    EXPECT_EQ(reply->status, 204) << type << ": " << reply->body;
    EXPECT_TRUE(reply->body.empty());
  }
  auto events = registry_->listEvents("SN-1", 0, 100);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 6U);
  EXPECT_EQ((*registry_->getDevice("SN-1"))->stage, registry::DeviceStage::Completed);
  const auto stats = server_->stats("bootstrap");
  EXPECT_EQ(stats.connectionsAccepted, 1U);
}

TEST_F(BootstrapTlsTest, AnOversizedBodyIs413WithoutBeingStored) {
  net::testing::ClientOptions options;
  options.tls = true;
  options.clientChainPem = pki_->idevids.at("SN-1").certificate.toPem();
  options.clientKeyPem = pki_->idevids.at("SN-1").key.toPem();
  auto client = net::testing::TestClient::connect(port_, options);
  ASSERT_NE(client, nullptr);
  auto reply = client->request("POST", std::string(kProgressPath),
                               {{"Content-Type", "application/yang-data+json"}},
                               std::string(100 * 1024, ' '));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  auto events = registry_->listEvents("SN-1", 0, 100);
  EXPECT_TRUE(events->empty());
}

}  // namespace
}  // namespace sztp::server::testing
