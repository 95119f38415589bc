// Creating, starting and stopping the server: settings checks, binding,
// graceful stop with a request in flight, and the forced end after the grace.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "net/net_error.h"
#include "net/tests/test_client.h"
#include "net/tests/test_server.h"
#include "net/tests/test_tls.h"

namespace sztp::net::testing {
namespace {

using namespace std::chrono_literals;

http::Handler ok() {
  return [](const http::Request&, const http::Peer&) { return textResponse("ok"); };
}

Error createError(ServerSettings settings, std::map<std::string, http::Handler> handlers) {
  auto server = HttpServer::create(std::move(settings), std::move(handlers));
  EXPECT_FALSE(server.ok());
  return server ? Error(std::error_code()) : std::move(server).error();
}

TEST(Lifecycle, CreateRefusesInconsistentSettings) {
  ServerSettings none;
  EXPECT_EQ(createError(none, {}).code(), make_error_code(NetErrc::SettingsInvalid));

  ServerSettings twice;
  twice.listeners = {testListener(), testListener()};
  EXPECT_EQ(createError(twice, {{"test", ok()}}).code(), make_error_code(NetErrc::SettingsInvalid));

  ServerSettings noHandler;
  noHandler.listeners = {testListener()};
  EXPECT_EQ(createError(noHandler, {{"other", ok()}}).code(),
            make_error_code(NetErrc::SettingsInvalid));

  ServerSettings noThreads;
  noThreads.ioThreads = 0;
  noThreads.listeners = {testListener()};
  EXPECT_EQ(createError(noThreads, {{"test", ok()}}).code(),
            make_error_code(NetErrc::SettingsInvalid));

  ServerSettings zeroLimit;
  zeroLimit.listeners = {testListener()};
  zeroLimit.listeners[0].maxConnections = 0;
  EXPECT_EQ(createError(zeroLimit, {{"test", ok()}}).code(),
            make_error_code(NetErrc::SettingsInvalid));
}

TEST(Lifecycle, CreateRefusesBadTlsSettings) {
  const TestPki pki = makeTestPki();
  const TestPki other = makeTestPki();
  auto withTls = [&](TlsSettings tls) {
    ServerSettings settings;
    settings.listeners = {testListener()};
    settings.listeners[0].tls = std::move(tls);
    return createError(std::move(settings), {{"test", ok()}}).code();
  };
  auto tls = serverTls(pki);
  tls.certificateChainPem = "not a certificate";
  EXPECT_EQ(withTls(tls), make_error_code(NetErrc::TlsCertificateInvalid));
  tls = serverTls(pki);
  tls.privateKeyPem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  EXPECT_EQ(withTls(tls), make_error_code(NetErrc::TlsKeyInvalid));
  tls = serverTls(pki);
  tls.privateKeyPem = other.serverKeyPem;
  EXPECT_EQ(withTls(tls), make_error_code(NetErrc::TlsKeyMismatch));
  tls = serverTls(pki);
  tls.minVersion = "1.1";
  EXPECT_EQ(withTls(tls), make_error_code(NetErrc::TlsSettingsInvalid));
  tls = serverTls(pki);
  tls.minVersion = "1.3";
  tls.maxVersion = "1.2";
  EXPECT_EQ(withTls(tls), make_error_code(NetErrc::TlsSettingsInvalid));
  tls = serverTls(pki);
  tls.cipherList = "NO-SUCH-CIPHER";
  EXPECT_EQ(withTls(tls), make_error_code(NetErrc::TlsSettingsInvalid));
  tls = serverTls(pki);
  tls.cipherSuites = "TLS_NO_SUCH_SUITE";
  EXPECT_EQ(withTls(tls), make_error_code(NetErrc::TlsSettingsInvalid));
  tls = serverTls(pki);
  tls.groups = "P-999";
  EXPECT_EQ(withTls(tls), make_error_code(NetErrc::TlsSettingsInvalid));
}

TEST(Lifecycle, StartReportsBadAddressAndBusyPort) {
  auto bad = testListener();
  bad.address = "localhost";  // A name, not a literal address.
  ServerSettings settings;
  settings.listeners = {bad};
  auto server = HttpServer::create(settings, {{"test", ok()}});
  ASSERT_TRUE(server);
  auto started = (*server)->start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().code(), make_error_code(NetErrc::ListenAddressInvalid));

  auto first = startServer(testListener(), ok());
  ASSERT_TRUE(first);
  auto busy = testListener();
  busy.port = first->boundPort("test");
  ServerSettings busySettings;
  busySettings.listeners = {busy};
  auto second = HttpServer::create(busySettings, {{"test", ok()}});
  ASSERT_TRUE(second);
  auto secondStart = (*second)->start();
  ASSERT_FALSE(secondStart.ok());
  EXPECT_EQ(secondStart.error().code(), make_error_code(NetErrc::ListenFailed));
}

TEST(Lifecycle, StartIsOnceOnly) {
  auto server = startServer(testListener(), ok());
  ASSERT_TRUE(server);
  auto again = server->start();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), make_error_code(NetErrc::WrongState));
  server->stop(0ms);
  server->stop(0ms);  // Idempotent.
  EXPECT_FALSE(server->start().ok());
}

TEST(Lifecycle, SeveralListenersEachWithTheirHandler) {
  ServerSettings settings;
  auto a = testListener();
  a.name = "a";
  auto b = testListener();
  b.name = "b";
  settings.listeners = {a, b};
  auto server = HttpServer::create(
      settings, {{"a", [](const http::Request&, const http::Peer&) { return textResponse("A"); }},
                 {"b", [](const http::Request&, const http::Peer&) { return textResponse("B"); }}});
  ASSERT_TRUE(server);
  ASSERT_TRUE((*server)->start());
  auto toA = TestClient::connect((*server)->boundPort("a"));
  auto toB = TestClient::connect((*server)->boundPort("b"));
  ASSERT_TRUE(toA && toB);
  EXPECT_EQ(toA->request("GET", "/")->body, "A");
  EXPECT_EQ(toB->request("GET", "/")->body, "B");
}

TEST(Lifecycle, GracefulStopFinishesInFlightRequestAndClosesIdleOnes) {
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  std::once_flag once;
  auto server =
      startServer(testListener(), [&, released](const http::Request& request, const http::Peer&) {
        if (request.path() == "/slow") {
          std::call_once(once, [&] { entered.set_value(); });
          released.wait_for(10s);
          return textResponse("finished");
        }
        return textResponse("quick");
      });
  ASSERT_TRUE(server);
  const auto port = server->boundPort("test");
  auto idle = TestClient::connect(port);
  ASSERT_TRUE(idle);
  ASSERT_TRUE(idle->request("GET", "/"));  // Now idle in keep-alive.
  auto busy = TestClient::connect(port);
  ASSERT_TRUE(busy);
  ASSERT_TRUE(busy->send(rawRequest("GET", "/slow")));
  entered.get_future().wait();

  auto stopping = std::async(std::launch::async, [&] { server->stop(10s); });
  EXPECT_TRUE(idle->closedByServer(5s));
  // New connections are no longer served (refused by the kernel, or closed at once).
  auto late = TestClient::connect(port, {}, 500ms);
  EXPECT_TRUE(!late || !late->request("GET", "/"));
  EXPECT_EQ(stopping.wait_for(200ms), std::future_status::timeout);  // Still draining.
  release.set_value();
  auto response = busy->read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "finished");
  EXPECT_FALSE(response->keepAlive);
  EXPECT_EQ(stopping.wait_for(10s), std::future_status::ready);
}

TEST(Lifecycle, StopClosesWhatIsLeftAfterTheGrace) {
  std::promise<void> entered;
  std::once_flag once;
  auto server = startServer(testListener(), [&](const http::Request&, const http::Peer&) {
    std::call_once(once, [&] { entered.set_value(); });
    std::this_thread::sleep_for(1500ms);
    return textResponse("too late");
  });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(rawRequest("GET", "/")));
  entered.get_future().wait();
  server->stop(100ms);  // Returns once the handler ends; the client was closed before.
  EXPECT_FALSE(client->read(false, 2s));
}

}  // namespace
}  // namespace sztp::net::testing
