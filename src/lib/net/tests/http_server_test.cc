// The transport over plain HTTP with the Beast test client: request and
// answer mapping, keep-alive, HEAD, pipelining, files, handler failures,
// handlers that block, and the audit sink.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "net/tests/test_client.h"
#include "net/tests/test_server.h"
#include "testutil/temp_dir.h"

namespace sztp::net::testing {
namespace {

using namespace std::chrono_literals;

TEST(HttpServer, CarriesRequestAndResponse) {
  std::mutex mutex;
  http::Request seen;
  http::Peer seenPeer;
  auto server =
      startServer(testListener(), [&](const http::Request& request, const http::Peer& peer) {
        const std::lock_guard lock(mutex);
        seen = request;
        seenPeer = peer;
        auto response = textResponse("created", 201);
        response.setHeader("Location", "/things/1");
        return response;
      });
  ASSERT_TRUE(server);
  const auto port = server->boundPort("test");
  ASSERT_NE(port, 0);
  EXPECT_EQ(server->boundPort("nope"), 0);
  auto client = TestClient::connect(port);
  ASSERT_TRUE(client);
  auto response = client->request("POST", "/things?x=1",
                                  {{"X-Custom", "Value"}, {"Content-Type", "a/b"}}, "payload");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "created");
  EXPECT_EQ(response->header("location"), "/things/1");
  EXPECT_EQ(response->header("content-length"), "7");
  const std::lock_guard lock(mutex);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/things?x=1");
  EXPECT_EQ(seen.path(), "/things");
  EXPECT_EQ(seen.body, "payload");
  EXPECT_EQ(seen.header("x-custom"), "Value");
  bool lowercased = true;
  for (const auto& [name, value] : seen.headers) {
    lowercased = lowercased && name == http::lowercase(name);
  }
  EXPECT_TRUE(lowercased);
  EXPECT_EQ(seenPeer.address, "127.0.0.1");
  EXPECT_NE(seenPeer.port, 0);
  EXPECT_FALSE(seenPeer.tls);
  EXPECT_TRUE(seenPeer.clientCertificates.empty());
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  std::mutex mutex;
  std::set<std::uint16_t> peerPorts;
  auto server =
      startServer(testListener(), [&](const http::Request& request, const http::Peer& peer) {
        const std::lock_guard lock(mutex);
        peerPorts.insert(peer.port);
        return textResponse(std::string(request.path()));
      });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  for (const char* path : {"/a", "/b", "/c"}) {
    auto response = client->request("GET", path);
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->body, path);
    EXPECT_TRUE(response->keepAlive);
  }
  EXPECT_EQ(peerPorts.size(), 1u);
  const auto stats = server->stats("test");
  EXPECT_EQ(stats.connectionsAccepted, 1u);
  EXPECT_EQ(stats.requests, 3u);
}

TEST(HttpServer, ConnectionCloseIsHonoured) {
  auto server = startServer(
      testListener(), [](const http::Request&, const http::Peer&) { return textResponse("bye"); });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto response = client->request("GET", "/", {{"Connection", "close"}});
  ASSERT_TRUE(response);
  EXPECT_FALSE(response->keepAlive);
  EXPECT_EQ(response->header("connection"), "close");
  EXPECT_TRUE(client->closedByServer(5s));
}

TEST(HttpServer, HandlerMayAskToClose) {
  auto server = startServer(testListener(), [](const http::Request&, const http::Peer&) {
    auto response = textResponse("bye");
    response.setHeader("Connection", "close");
    return response;
  });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto response = client->request("GET", "/");
  ASSERT_TRUE(response);
  EXPECT_FALSE(response->keepAlive);
  EXPECT_TRUE(client->closedByServer(5s));
}

TEST(HttpServer, MaxRequestsPerConnectionClosesAfterTheLast) {
  auto listener = testListener();
  listener.maxRequestsPerConnection = 2;
  auto server = startServer(
      listener, [](const http::Request&, const http::Peer&) { return textResponse("x"); });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto first = client->request("GET", "/");
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->keepAlive);
  auto second = client->request("GET", "/");
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->keepAlive);
  EXPECT_TRUE(client->closedByServer(5s));
}

TEST(HttpServer, HeadSendsHeadersWithoutBody) {
  auto server = startServer(testListener(), [](const http::Request&, const http::Peer&) {
    return textResponse("twelve bytes");
  });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto head = client->request("HEAD", "/");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "12");
  EXPECT_EQ(head->body, "");
  // The connection is still in step: had a body been sent, this would read it.
  auto get = client->request("GET", "/");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, "twelve bytes");
}

TEST(HttpServer, NoContentHasNoLengthOrBody) {
  auto server = startServer(testListener(), [](const http::Request&, const http::Peer&) {
    return textResponse("ignored", 204);
  });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto response = client->request("POST", "/report", {}, "progress");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 204);
  EXPECT_FALSE(response->header("content-length"));
  EXPECT_TRUE(client->request("GET", "/"));  // Still in step.
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  auto server = startServer(testListener(), [](const http::Request& request, const http::Peer&) {
    return textResponse(std::string(request.path()));
  });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(rawRequest("GET", "/one") + rawRequest("GET", "/two")));
  auto one = client->read();
  auto two = client->read();
  ASSERT_TRUE(one && two);
  EXPECT_EQ(one->body, "/one");
  EXPECT_EQ(two->body, "/two");
}

TEST(HttpServer, ExpectContinueGetsInterimResponse) {
  auto server = startServer(testListener(), [](const http::Request& request, const http::Peer&) {
    return textResponse(request.body);
  });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->send(
      "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client->read(true);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(client->send("hello"));
  auto final = client->read();
  ASSERT_TRUE(final);
  EXPECT_EQ(final->status, 200);
  EXPECT_EQ(final->body, "hello");
}

TEST(HttpServer, StreamsFileBodiesAndRanges) {
  testutil::TempDir dir;
  std::string content;
  for (int i = 0; i < 100000; ++i) {
    content += static_cast<char>('a' + i % 26);
  }
  const auto path = dir.write("blob.bin", content);
  auto server = startServer(testListener(), [&](const http::Request& request, const http::Peer&) {
    http::Response response;
    if (request.path() == "/part") {
      response.status = 206;
      response.file = http::FileBody{path.string(), 1000, 70000};
    } else if (request.path() == "/gone") {
      response.file = http::FileBody{(dir / "missing").string(), 0, 10};
    } else {
      response.file = http::FileBody{path.string(), 0, content.size()};
    }
    return response;
  });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto whole = client->request("GET", "/");
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->body, content);
  auto part = client->request("GET", "/part");
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->body, content.substr(1000, 70000));
  auto head = client->request("HEAD", "/part");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->header("content-length"), "70000");
  auto gone = client->request("GET", "/gone");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 500);
  EXPECT_NE(gone->body.find("file-unreadable"), std::string::npos);
}

TEST(HttpServer, ThrowingHandlerGives500) {
  AuditLog audit;
  auto server = startServer(
      testListener(),
      [](const http::Request&, const http::Peer&) -> http::Response {
        throw std::runtime_error("bug");
      },
      audit.sink());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto response = client->request("GET", "/");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  const auto events = audit.waitFor(1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].response.reason, "handler-failed");
}

TEST(HttpServer, SlowHandlerGets503AfterHandlerTimeout) {
  auto listener = testListener();
  listener.handlerTimeout = 200ms;
  std::promise<void> release;
  auto released = release.get_future().share();
  auto server = startServer(listener, [released](const http::Request&, const http::Peer&) {
    released.wait_for(10s);
    return textResponse("late");
  });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto response = client->request("GET", "/");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_NE(response->body.find("handler-timeout"), std::string::npos);
  EXPECT_FALSE(response->keepAlive);
  release.set_value();
}

TEST(HttpServer, InvalidHandlerStatusAndHeadersAreNotSentAsIs) {
  auto server = startServer(testListener(), [](const http::Request& request, const http::Peer&) {
    auto response = textResponse("x", request.path() == "/bad-status" ? 1000 : 200);
    response.setHeader("X-Injected", "a\r\nSet-Cookie: evil=1");
    response.setHeader("Bad Name", "v");
    response.setHeader("X-Fine", "ok");
    return response;
  });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto response = client->request("GET", "/");
  ASSERT_TRUE(response);
  EXPECT_FALSE(response->header("x-injected"));
  EXPECT_FALSE(response->header("set-cookie"));
  EXPECT_EQ(response->header("x-fine"), "ok");
  auto bad = client->request("GET", "/bad-status");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 500);
}

TEST(HttpServer, BlockingHandlersDoNotStallOtherConnections) {
  // One I/O thread: were handlers run on it, /block would stop /release from
  // ever being read, and both requests would time out.
  ServerSettings settings;
  settings.ioThreads = 1;
  settings.handlerThreads = 2;
  std::promise<void> release;
  auto released = release.get_future().share();
  std::once_flag once;
  auto server = startServer(
      testListener(),
      [&, released](const http::Request& request, const http::Peer&) {
        if (request.path() == "/release") {
          std::call_once(once, [&] { release.set_value(); });
          return textResponse("released");
        }
        const bool ok = released.wait_for(10s) == std::future_status::ready;
        return textResponse(ok ? "unblocked" : "still blocked");
      },
      {}, settings);
  ASSERT_TRUE(server);
  auto blocked = TestClient::connect(server->boundPort("test"));
  auto releaser = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(blocked && releaser);
  ASSERT_TRUE(blocked->send(rawRequest("GET", "/block")));
  auto released_response = releaser->request("GET", "/release");
  ASSERT_TRUE(released_response);
  EXPECT_EQ(released_response->body, "released");
  auto blocked_response = blocked->read();
  ASSERT_TRUE(blocked_response);
  EXPECT_EQ(blocked_response->body, "unblocked");
}

TEST(HttpServer, AuditSinkSeesEveryRequest) {
  AuditLog audit;
  auto server = startServer(
      testListener(),
      [](const http::Request& request, const http::Peer&) {
        auto response = textResponse("hello", request.path() == "/missing" ? 404 : 200);
        response.identity = "SN-1";
        if (response.status == 404) {
          response.reason = "device-unknown";
        }
        return response;
      },
      audit.sink());
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  ASSERT_TRUE(client->request("GET", "/ok"));
  ASSERT_TRUE(client->request("GET", "/missing"));
  const auto events = audit.waitFor(2);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].listener, "test");
  EXPECT_EQ(events[0].request->target, "/ok");
  EXPECT_EQ(events[0].response.status, 200);
  EXPECT_EQ(events[0].response.identity, "SN-1");
  EXPECT_EQ(events[0].bodyBytes, 5u);
  EXPECT_TRUE(events[0].sent);
  EXPECT_EQ(events[0].peer->address, "127.0.0.1");
  EXPECT_EQ(events[1].response.status, 404);
  EXPECT_EQ(events[1].response.reason, "device-unknown");
}

TEST(HttpServer, CustomErrorResponses) {
  auto listener = testListener();
  listener.maxBodyBytes = 4;
  listener.errorResponse = [](http::HttpErrc errc) {
    auto response = textResponse("{\"error\":\"custom\"}", http::statusFor(errc));
    response.setHeader("Content-Type", "application/yang-data+json");
    return response;
  };
  auto server = startServer(
      listener, [](const http::Request&, const http::Peer&) { return textResponse("x"); });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto response = client->request("POST", "/", {}, "too long");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->body, "{\"error\":\"custom\"}");
  EXPECT_EQ(response->header("content-type"), "application/yang-data+json");
}

TEST(HttpServer, ServerAndDateHeaders) {
  FixedClock clock(TimePoint{std::chrono::seconds(784111777)});
  ServerSettings settings;
  settings.serverHeader = "sztp-server";
  settings.clock = &clock;
  auto server = startServer(
      testListener(), [](const http::Request&, const http::Peer&) { return textResponse("x"); }, {},
      settings);
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto response = client->request("GET", "/");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->header("server"), "sztp-server");
  EXPECT_EQ(response->header("date"), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST(HttpServer, DualStackListenerReportsIpv4Peers) {
  auto listener = testListener();
  listener.address = "::";
  auto server = startServer(listener, [](const http::Request&, const http::Peer& peer) {
    return textResponse(peer.address);
  });
  ASSERT_TRUE(server);
  auto client = TestClient::connect(server->boundPort("test"));
  ASSERT_TRUE(client);
  auto response = client->request("GET", "/");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "127.0.0.1");  // Not "::ffff:127.0.0.1".
}

}  // namespace
}  // namespace sztp::net::testing
