// TLS with the Beast test client: client certificate chains reach the handler
// as sent (leaf first) without TLS validating them, protocol versions, RSA and
// ECDSA server keys, and certificate reload.
#include <gtest/gtest.h>

#include "net/net_error.h"
#include "net/tests/test_client.h"
#include "net/tests/test_server.h"
#include "net/tests/test_tls.h"

namespace sztp::net::testing {
namespace {

using namespace std::chrono_literals;

/// Records the peer of the last request; answers with its certificate count.
class PeerRecorder {
 public:
  http::Handler handler() {
    return [this](const http::Request&, const http::Peer& peer) {
      const std::lock_guard lock(mutex_);
      last_ = peer;
      return textResponse(std::to_string(peer.clientCertificates.size()));
    };
  }
  http::Peer last() {
    const std::lock_guard lock(mutex_);
    return last_;
  }

 private:
  std::mutex mutex_;
  http::Peer last_;
};

ListenerSettings tlsListener(const TestPki& pki) {
  auto listener = testListener();
  listener.tls = serverTls(pki);
  return listener;
}

ClientOptions withClientChain(const TestPki& pki) {
  return ClientOptions{true, pki.clientChainPem, pki.clientKeyPem, ""};
}

TEST(Tls, ClientChainReachesTheHandlerLeafFirst) {
  const TestPki pki = makeTestPki();
  PeerRecorder recorder;
  auto server = startServer(tlsListener(pki), recorder.handler());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"), withClientChain(pki));
  ASSERT_TRUE(client);
  auto response = client->request("GET", "/");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "2");
  const http::Peer peer = recorder.last();
  EXPECT_TRUE(peer.tls);
  EXPECT_EQ(peer.tlsVersion, "TLSv1.3");
  EXPECT_FALSE(peer.cipher.empty());
  ASSERT_EQ(peer.clientCertificates.size(), 2u);
  EXPECT_EQ(peer.clientCertificates[0], pki.clientLeafDer);
  EXPECT_EQ(peer.clientCertificates[1], pki.clientIntermediateDer);
  EXPECT_EQ(client->serverCertificateDer(), pki.serverCertDer);
}

TEST(Tls, ClientWithoutCertificateConnectsWhenOnlyRequested) {
  const TestPki pki = makeTestPki();
  PeerRecorder recorder;
  auto server = startServer(tlsListener(pki), recorder.handler());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"), ClientOptions{true, "", "", ""});
  ASSERT_TRUE(client);
  auto response = client->request("GET", "/");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "0");
  EXPECT_TRUE(recorder.last().tls);
}

TEST(Tls, CertificateOfAnUnknownCaReachesTheHandler) {
  // TLS accepts any chain; the handler refuses with an HTTP status the device can report.
  const TestPki pki = makeTestPki();
  const TestPki stranger = makeTestPki();
  auto server = startServer(tlsListener(pki), [&](const http::Request&, const http::Peer& peer) {
    const bool known =
        !peer.clientCertificates.empty() && peer.clientCertificates[0] == pki.clientLeafDer;
    return textResponse(known ? "welcome" : "unknown device", known ? 200 : 401);
  });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"), withClientChain(stranger));
  ASSERT_TRUE(client);
  auto response = client->request("GET", "/");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401);
  EXPECT_EQ(server->stats("test").handshakeFailures, 0u);
}

TEST(Tls, RequiredClientCertificateFailsTheHandshakeWithoutOne) {
  const TestPki pki = makeTestPki();
  auto listener = tlsListener(pki);
  listener.tls->clientCert = TlsSettings::ClientCert::Require;
  PeerRecorder recorder;
  auto server = startServer(listener, recorder.handler());
  ASSERT_TRUE(server);
  // TLS 1.3: the client finishes its side before the server refuses, so the
  // refusal shows on the first read.
  auto bare = TestClient::connect(server->boundPort("test"), ClientOptions{true, "", "", ""});
  EXPECT_TRUE(!bare || !bare->request("GET", "/"));
  auto withCert = TestClient::connect(server->boundPort("test"), withClientChain(pki));
  ASSERT_TRUE(withCert);
  EXPECT_TRUE(withCert->request("GET", "/"));
  EXPECT_TRUE(eventually([&] { return server->stats("test").handshakeFailures >= 1; }));
}

TEST(Tls, ClientCertificateNotAskedWhenNone) {
  const TestPki pki = makeTestPki();
  auto listener = tlsListener(pki);
  listener.tls->clientCert = TlsSettings::ClientCert::None;
  PeerRecorder recorder;
  auto server = startServer(listener, recorder.handler());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"), withClientChain(pki));
  ASSERT_TRUE(client);
  auto response = client->request("GET", "/");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "0");
}

TEST(Tls, Tls12UsesAnEcdheAeadCipher) {
  for (const auto keyType : {crypto::KeyType::EcP256, crypto::KeyType::Rsa2048}) {
    const TestPki pki = makeTestPki(keyType);
    PeerRecorder recorder;
    auto server = startServer(tlsListener(pki), recorder.handler());
    ASSERT_TRUE(server);
    auto client =
        TestClient::connect(server->boundPort("test"),
                            ClientOptions{true, pki.clientChainPem, pki.clientKeyPem, "1.2"});
    ASSERT_TRUE(client);
    ASSERT_TRUE(client->request("GET", "/"));
    const http::Peer peer = recorder.last();
    EXPECT_EQ(peer.tlsVersion, "TLSv1.2");
    EXPECT_EQ(peer.cipher.rfind("ECDHE-", 0), 0u) << peer.cipher;
    const bool aead = peer.cipher.find("GCM") != std::string::npos ||
                      peer.cipher.find("CHACHA20") != std::string::npos;
    EXPECT_TRUE(aead) << peer.cipher;
    EXPECT_EQ(peer.clientCertificates.size(), 2u);

    auto tls13 = TestClient::connect(server->boundPort("test"), withClientChain(pki));
    ASSERT_TRUE(tls13);
    ASSERT_TRUE(tls13->request("GET", "/"));
    EXPECT_EQ(tls13->tlsVersion(), "TLSv1.3");
  }
}

TEST(Tls, MinimumVersion13RefusesTls12Clients) {
  const TestPki pki = makeTestPki();
  auto listener = tlsListener(pki);
  listener.tls->minVersion = "1.3";
  PeerRecorder recorder;
  auto server = startServer(listener, recorder.handler());
  ASSERT_TRUE(server);
  auto old = TestClient::connect(server->boundPort("test"), ClientOptions{true, "", "", "1.2"});
  EXPECT_FALSE(old);
}

TEST(Tls, ReloadServesTheNewCertificateToNewConnectionsOnly) {
  const TestPki first = makeTestPki(crypto::KeyType::EcP256, "First");
  const TestPki second = makeTestPki(crypto::KeyType::Rsa2048, "Second");
  PeerRecorder recorder;
  auto server = startServer(tlsListener(first), recorder.handler());
  ASSERT_TRUE(server);
  const auto port = server->boundPort("test");
  auto before = TestClient::connect(port, withClientChain(first));
  ASSERT_TRUE(before);
  ASSERT_TRUE(before->request("GET", "/"));
  EXPECT_EQ(before->serverCertificateDer(), first.serverCertDer);

  ASSERT_TRUE(server->reloadTls("test", serverTls(second)));
  auto after = TestClient::connect(port, withClientChain(second));
  ASSERT_TRUE(after);
  ASSERT_TRUE(after->request("GET", "/"));
  EXPECT_EQ(after->serverCertificateDer(), second.serverCertDer);
  // The connection opened before the reload carries on.
  auto again = before->request("GET", "/");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST(Tls, FailedReloadKeepsTheOldCertificate) {
  const TestPki pki = makeTestPki();
  PeerRecorder recorder;
  auto server = startServer(tlsListener(pki), recorder.handler());
  ASSERT_TRUE(server);
  auto broken = serverTls(pki);
  broken.privateKeyPem = makeTestPki().serverKeyPem;
  auto reloaded = server->reloadTls("test", broken);
  ASSERT_FALSE(reloaded.ok());
  EXPECT_EQ(reloaded.error().code(), make_error_code(NetErrc::TlsKeyMismatch));
  auto unknown = server->reloadTls("nope", serverTls(pki));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), make_error_code(NetErrc::UnknownListener));
  auto client = TestClient::connect(server->boundPort("test"), withClientChain(pki));
  ASSERT_TRUE(client);
  EXPECT_EQ(client->serverCertificateDer(), pki.serverCertDer);
}

TEST(Tls, ReloadOfAPlainListenerIsRefused) {
  const TestPki pki = makeTestPki();
  auto server = startServer(
      testListener(), [](const http::Request&, const http::Peer&) { return textResponse("x"); });
  ASSERT_TRUE(server);
  auto reloaded = server->reloadTls("test", serverTls(pki));
  ASSERT_FALSE(reloaded.ok());
  EXPECT_EQ(reloaded.error().code(), make_error_code(NetErrc::UnknownListener));
}

TEST(Tls, HandshakeTimeoutClosesSilentClients) {
  const TestPki pki = makeTestPki();
  auto listener = tlsListener(pki);
  listener.handshakeTimeout = 300ms;
  PeerRecorder recorder;
  auto server = startServer(listener, recorder.handler());
  ASSERT_TRUE(server);
  auto plain = TestClient::connect(server->boundPort("test"));  // TCP only, never says hello.
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->closedByServer(10s));
  EXPECT_TRUE(eventually([&] {
    const auto stats = server->stats("test");
    return stats.handshakeFailures >= 1 && stats.timeouts >= 1;
  }));
}

}  // namespace
}  // namespace sztp::net::testing
