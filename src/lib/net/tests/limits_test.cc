// Limits and timeouts against misbehaving clients: oversized bodies and
// headers, malformed requests, slowloris, stalled bodies, idle keep-alive,
// and the connection cap. Timeouts are short so the tests are quick; no test
// asserts on how long anything took beyond "closed before a generous bound".
#include <gtest/gtest.h>

#include <thread>

#include "net/tests/test_client.h"
#include "net/tests/test_server.h"

namespace sztp::net::testing {
namespace {

using namespace std::chrono_literals;

http::Handler echo() {
  return [](const http::Request& request, const http::Peer&) { return textResponse(request.body); };
}

TEST(Limits, OversizedBodyGets413WithoutBeingRead) {
  AuditLog audit;
  auto listener = testListener();
  listener.maxBodyBytes = 1024;
  auto server = startServer(listener, echo(), audit.sink());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  // Only the header is sent: the answer must come without the 10 MB body.
  ASSERT_TRUE(client->send("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 10485760\r\n\r\n"));
  auto response = client->read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_FALSE(response->keepAlive);
  EXPECT_NE(response->body.find("request-body-too-large"), std::string::npos);
  EXPECT_TRUE(client->closedByServer(5s));
  const auto events = audit.waitFor(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].response.status, 413);
  EXPECT_EQ(events[0].response.reason, "request-body-too-large");
  EXPECT_EQ(events[0].request->target, "/upload");
  EXPECT_EQ(server->stats("test").requests, 0u);
}

TEST(Limits, OversizedChunkedBodyGets413) {
  auto listener = testListener();
  listener.maxBodyBytes = 16;
  auto server = startServer(listener, echo());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  ASSERT_TRUE(
      client->send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n"));
  auto response = client->read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
}

TEST(Limits, BodyAtTheLimitIsAccepted) {
  auto listener = testListener();
  listener.maxBodyBytes = 16;
  auto server = startServer(listener, echo());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto response = client->request("POST", "/", {}, std::string(16, 'x'));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, std::string(16, 'x'));
}

TEST(Limits, OversizedHeaderGets431) {
  AuditLog audit;
  auto listener = testListener();
  listener.maxHeaderBytes = 1024;
  auto server = startServer(listener, echo(), audit.sink());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(rawRequest("GET", "/", {{"X-Big", std::string(4000, 'a')}})));
  auto response = client->read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 431);
  EXPECT_FALSE(response->keepAlive);
  const auto events = audit.waitFor(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].response.reason, "request-header-too-large");
}

TEST(Limits, MalformedRequestGets400) {
  auto server = startServer(testListener(), echo());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send("GET / HTTP/1.1\r\nHost: h\r\nBad Header\r\n\r\n"));
  auto response = client->read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 400);
  EXPECT_NE(response->body.find("malformed-request"), std::string::npos);
  EXPECT_TRUE(client->closedByServer(5s));
}

TEST(Limits, SlowlorisHeaderIsCutByHeaderTimeout) {
  AuditLog audit;
  auto listener = testListener();
  listener.headerTimeout = 500ms;
  auto server = startServer(listener, echo(), audit.sink());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send("GET / HTTP/1.1\r\nHost: h\r\n"));
  // One header octet every 100 ms: each arrives well within any per-read
  // timeout, but the header as a whole never completes.
  bool cut = false;
  for (int i = 0; i < 100 && !cut; ++i) {
    std::this_thread::sleep_for(100ms);
    cut = !client->send("X");
  }
  EXPECT_TRUE(cut || client->closedByServer(5s));
  const auto events = audit.waitFor(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].response.status, 408);
  EXPECT_EQ(events[0].response.reason, "request-timeout");
  EXPECT_FALSE(events[0].sent);
  EXPECT_EQ(events[0].request->method, "GET");
  EXPECT_GE(server->stats("test").timeouts, 1u);
}

TEST(Limits, StalledBodyIsCutByBodyTimeout) {
  auto listener = testListener();
  listener.bodyTimeout = 300ms;
  auto server = startServer(listener, echo());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nonly10byte"));
  EXPECT_TRUE(client->closedByServer(10s));
  EXPECT_TRUE(eventually([&] { return server->stats("test").timeouts >= 1; }));
  EXPECT_EQ(server->stats("test").requests, 0u);
}

TEST(Limits, SilentConnectionIsCutByHeaderTimeout) {
  auto listener = testListener();
  listener.headerTimeout = 300ms;
  auto server = startServer(listener, echo());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  EXPECT_TRUE(client->closedByServer(10s));
}

TEST(Limits, IdleKeepAliveIsCutByIdleTimeout) {
  auto listener = testListener();
  listener.idleTimeout = 300ms;
  auto server = startServer(listener, echo());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto response = client->request("GET", "/");
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->keepAlive);
  EXPECT_TRUE(client->closedByServer(10s));
}

TEST(Limits, ConnectionsBeyondTheCapAreClosedAtOnce) {
  auto listener = testListener();
  listener.maxConnections = 2;
  auto server = startServer(listener, echo());
  ASSERT_TRUE(server);
  const auto port = server->boundPort("test");
  auto first = TestClient::connect(port);
  auto second = TestClient::connect(port);
  ASSERT_TRUE(first && second);
  // A request on each proves the server has accepted both.
  ASSERT_TRUE(first->request("GET", "/"));
  ASSERT_TRUE(second->request("GET", "/"));
  auto third = TestClient::connect(port);
  ASSERT_TRUE(third);  // The kernel completes the TCP handshake; the server then closes.
  third->send(rawRequest("GET", "/"));
  EXPECT_FALSE(third->read());
  EXPECT_TRUE(eventually([&] { return server->stats("test").connectionsRefused == 1; }));
  EXPECT_EQ(server->stats("test").connectionsActive, 2u);
  // Once one closes, a new connection is served again.
  first.reset();
  std::optional<ClientResponse> served;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    std::this_thread::sleep_for(50ms);
    auto again = TestClient::connect(port);
    if (again) {
      served = again->request("GET", "/");
    }
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace sztp::net::testing
