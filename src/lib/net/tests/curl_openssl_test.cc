// The transport against real clients: the curl CLI over mutual TLS (TLS 1.3
// and 1.2, ECDSA and RSA servers, connection reuse) and the openssl s_client
// CLI for what curl cannot show (old protocol versions refused, no session
// tickets unless enabled).
#include <gtest/gtest.h>

#include "net/tests/test_server.h"
#include "net/tests/test_tls.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::net::testing {
namespace {

using namespace std::chrono_literals;

/// Answers "<tls version> <certificate count>".
http::Handler describePeer() {
  return [](const http::Request&, const http::Peer& peer) {
    return textResponse(peer.tlsVersion + " " + std::to_string(peer.clientCertificates.size()));
  };
}

class RealClients : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testutil::haveProgram("curl") || !testutil::haveProgram("openssl")) {
      GTEST_SKIP() << "curl and openssl CLIs are needed (scripts/install-deps.sh)";
    }
  }

  void writePki(const TestPki& pki) {
    dir_.write("ca.pem", pki.caPem);
    dir_.write("client-chain.pem", pki.clientChainPem);
    dir_.write("client.key", pki.clientKeyPem);
  }

  std::unique_ptr<HttpServer> start(const TestPki& pki, TlsSettings tls,
                                    http::Handler handler = describePeer()) {
    writePki(pki);
    auto listener = testListener();
    listener.tls = std::move(tls);
    auto server = startServer(listener, std::move(handler));
    if (server) {
      url_ = "https://127.0.0.1:" + std::to_string(server->boundPort("test"));
    }
    return server;
  }

  testutil::CommandResult curl(std::vector<std::string> extra, const std::string& path = "/") {
    std::vector<std::string> argv = {"curl",       "-sS",
                                     "--max-time", "20",
                                     "--cacert",   (dir_ / "ca.pem").string(),
                                     "--cert",     (dir_ / "client-chain.pem").string(),
                                     "--key",      (dir_ / "client.key").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(url_ + path);
    return testutil::runCommand(argv, 30);
  }

  /// openssl s_client with an HTTP request on its standard input, reading
  /// until the server closes (so post-handshake messages such as TLS 1.3
  /// session tickets arrive before it exits).
  testutil::CommandResult sClient(const std::string& options) {
    const std::string port = url_.substr(url_.rfind(':') + 1);
    const std::string script =
        "printf 'GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n' | "
        "openssl s_client -connect 127.0.0.1:" +
        port + " -ign_eof " + options + " 2>&1";
    return testutil::runCommand({"sh", "-c", script}, 30);
  }

  testutil::TempDir dir_;
  std::string url_;
};

TEST_F(RealClients, CurlMutualTls13SendsItsChain) {
  const TestPki pki = makeTestPki();
  auto server = start(pki, serverTls(pki));
  ASSERT_TRUE(server);
  const auto result = curl({"--tlsv1.3"});
  EXPECT_EQ(result.exitCode, 0) << result.output;
  EXPECT_EQ(result.output, "TLSv1.3 2");
}

TEST_F(RealClients, CurlMutualTls12) {
  const TestPki pki = makeTestPki();
  auto server = start(pki, serverTls(pki));
  ASSERT_TRUE(server);
  const auto result = curl({"--tlsv1.2", "--tls-max", "1.2"});
  EXPECT_EQ(result.exitCode, 0) << result.output;
  EXPECT_EQ(result.output, "TLSv1.2 2");
}

TEST_F(RealClients, CurlWithRsaServerOnBothVersions) {
  const TestPki pki = makeTestPki(crypto::KeyType::Rsa2048);
  auto server = start(pki, serverTls(pki));
  ASSERT_TRUE(server);
  const auto tls12 =
      curl({"--tlsv1.2", "--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES128-GCM-SHA256"});
  EXPECT_EQ(tls12.exitCode, 0) << tls12.output;
  EXPECT_EQ(tls12.output, "TLSv1.2 2");
  const auto tls13 = curl({"--tlsv1.3"});
  EXPECT_EQ(tls13.exitCode, 0) << tls13.output;
  EXPECT_EQ(tls13.output, "TLSv1.3 2");
}

TEST_F(RealClients, CurlReusesTheConnectionAndSendsHead) {
  const TestPki pki = makeTestPki();
  auto server = start(pki, serverTls(pki));
  ASSERT_TRUE(server);
  // Two URLs in one curl run share the connection (keep-alive).
  const auto result =
      curl({"--tlsv1.3", "-o", "/dev/null", "-o", "/dev/null", url_ + "/first"}, "/second");
  EXPECT_EQ(result.exitCode, 0) << result.output;
  EXPECT_EQ(server->stats("test").connectionsAccepted, 1u);
  EXPECT_EQ(server->stats("test").requests, 2u);
  const auto head = curl({"-I"});
  EXPECT_EQ(head.exitCode, 0) << head.output;
  EXPECT_NE(http::lowercase(head.output).find("content-length: 9"), std::string::npos)
      << head.output;
}

TEST_F(RealClients, CurlWithoutCertificateGetsTheHandlersAnswer) {
  const TestPki pki = makeTestPki();
  auto server = start(pki, serverTls(pki), [](const http::Request&, const http::Peer& peer) {
    return peer.clientCertificates.empty() ? textResponse("no certificate", 401)
                                           : textResponse("ok");
  });
  ASSERT_TRUE(server);
  const auto result = testutil::runCommand(
      {"curl", "-sS", "--max-time", "20", "--cacert", (dir_ / "ca.pem").string(), "-o", "/dev/null",
       "-w", "%{http_code}", url_ + "/"},
      30);
  EXPECT_EQ(result.exitCode, 0) << result.output;
  EXPECT_EQ(result.output, "401");
}

TEST_F(RealClients, CurlWithoutCertificateFailsWhenRequired) {
  const TestPki pki = makeTestPki();
  auto tls = serverTls(pki);
  tls.clientCert = TlsSettings::ClientCert::Require;
  auto server = start(pki, tls);
  ASSERT_TRUE(server);
  const auto refused = testutil::runCommand(
      {"curl", "-sS", "--max-time", "20", "--cacert", (dir_ / "ca.pem").string(), url_ + "/"}, 30);
  EXPECT_NE(refused.exitCode, 0) << refused.output;
  const auto accepted = curl({});
  EXPECT_EQ(accepted.exitCode, 0) << accepted.output;
}

TEST_F(RealClients, OpensslTls11AndTls10AreRefused) {
  const TestPki pki = makeTestPki();
  auto server = start(pki, serverTls(pki));
  ASSERT_TRUE(server);
  // SECLEVEL=0 lets this OpenSSL offer the old protocols at all; the server must refuse.
  for (const char* version : {"-tls1_1", "-tls1"}) {
    const auto result = sClient(std::string(version) + " -cipher DEFAULT@SECLEVEL=0");
    EXPECT_NE(result.exitCode, 0) << version << "\n" << result.output;
    EXPECT_EQ(result.output.find("HTTP/1.1 200"), std::string::npos) << result.output;
  }
  const auto modern = sClient("-tls1_2");
  EXPECT_EQ(modern.exitCode, 0) << modern.output;
  EXPECT_NE(modern.output.find("HTTP/1.1 200"), std::string::npos) << modern.output;
}

TEST_F(RealClients, NoSessionTicketsByDefault) {
  const TestPki pki = makeTestPki();
  auto server = start(pki, serverTls(pki));
  ASSERT_TRUE(server);
  for (const char* version : {"-tls1_3", "-tls1_2"}) {
    const auto session = dir_ / (std::string("session") + version);
    const auto result = sClient(std::string(version) + " -sess_out " + session.string());
    EXPECT_EQ(result.exitCode, 0) << result.output;
    EXPECT_NE(result.output.find("HTTP/1.1 200"), std::string::npos) << result.output;
    EXPECT_EQ(result.output.find("TLS session ticket:"), std::string::npos) << version << "\n"
                                                                            << result.output;
    EXPECT_EQ(result.output.find("New Session Ticket"), std::string::npos) << version << "\n"
                                                                           << result.output;
  }
}

TEST_F(RealClients, SessionTicketsWhenEnabled) {
  // The control for the test above: the same checks see tickets when there are some.
  const TestPki pki = makeTestPki();
  auto tls = serverTls(pki);
  tls.sessionTickets = true;
  auto server = start(pki, tls);
  ASSERT_TRUE(server);
  for (const char* version : {"-tls1_3", "-tls1_2"}) {
    const auto session = dir_ / (std::string("session") + version);
    const auto result = sClient(std::string(version) + " -sess_out " + session.string());
    EXPECT_EQ(result.exitCode, 0) << result.output;
    EXPECT_NE(result.output.find("TLS session ticket:"), std::string::npos) << version << "\n"
                                                                            << result.output;
  }
}

}  // namespace
}  // namespace sztp::net::testing
