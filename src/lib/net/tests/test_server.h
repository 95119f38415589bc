#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "net/http_server.h"

namespace sztp::net::testing {

/// Collects audit events from the handler threads.
class AuditLog {
 public:
  AuditSink sink() {
    return [this](const AuditEvent& event) {
      const std::lock_guard lock(mutex_);
      events_.push_back(event);
      changed_.notify_all();
    };
  }

  /// Waits until at least `count` events arrived; returns a copy of them.
  std::vector<AuditEvent> waitFor(std::size_t count,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return events_.size() >= count; });
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<AuditEvent> events_;
};

/// A listener named "test" on 127.0.0.1, port 0, with the given settings.
inline ListenerSettings testListener() {
  ListenerSettings listener;
  listener.name = "test";
  listener.address = "127.0.0.1";
  listener.port = 0;
  return listener;
}

/// Creates and starts a server with one listener; fails the test on error.
inline std::unique_ptr<HttpServer> startServer(ListenerSettings listener, http::Handler handler,
                                               AuditSink audit = {}, ServerSettings settings = {}) {
  const std::string name = listener.name;
  settings.listeners = {std::move(listener)};
  auto server =
      HttpServer::create(std::move(settings), {{name, std::move(handler)}}, std::move(audit));
  if (!server) {
    ADD_FAILURE() << server.error().describe();
    return nullptr;
  }
  if (auto started = (*server)->start(); !started) {
    ADD_FAILURE() << started.error().describe();
    return nullptr;
  }
  return std::move(*server);
}

/// Polls `condition` until it holds or `timeout` passes. For counters that the
/// server updates on its own threads, possibly just after the client saw the
/// effect (a timed-out socket is closed by the timer before the handler runs).
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

inline http::Response textResponse(std::string body, int status = 200) {
  http::Response response;
  response.status = status;
  response.setHeader("Content-Type", "text/plain");
  response.body = std::move(body);
  return response;
}

}  // namespace sztp::net::testing
