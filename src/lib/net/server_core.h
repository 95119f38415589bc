#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "net/asio_config.h"
#include "net/server_settings.h"

namespace sztp::net::detail {

/// What HttpServer::stop() needs of a connection. Both calls are thread-safe:
/// they post to the connection's strand.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  /// Close if idle (or still in its handshake); otherwise finish the request
  /// under way, answer it with Connection: close, then close.
  virtual void requestStop() = 0;
  /// Close now, whatever is under way.
  virtual void forceClose() = 0;
};

/// The live connections of a server, so stop() can reach them.
class SessionRegistry {
 public:
  void add(const std::shared_ptr<SessionBase>& session);
  void remove(SessionBase* session);
  std::vector<std::shared_ptr<SessionBase>> snapshot() const;
  /// True when no session is left before `deadline`.
  bool waitEmpty(std::chrono::steady_clock::time_point deadline) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable empty_;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;
};

/// One listener's settings, handler, current TLS context and counters; lives
/// as long as the server, so sessions may refer to it.
class ListenerState {
 public:
  ListenerState(ListenerSettings settings, http::Handler handler)
      : settings_(std::move(settings)), handler_(std::move(handler)) {}

  const ListenerSettings& settings() const { return settings_; }
  const http::Handler& handler() const { return handler_; }
  bool isTls() const { return settings_.tls.has_value(); }

  std::shared_ptr<asio::ssl::context> tlsContext() const;
  void setTlsContext(std::shared_ptr<asio::ssl::context> context);

  ListenerStats stats() const;

  std::atomic<std::uint16_t> port{0};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::uint64_t> active{0};
  std::atomic<std::uint64_t> handshakeFailures{0};
  std::atomic<std::uint64_t> timeouts{0};
  std::atomic<std::uint64_t> requests{0};

 private:
  ListenerSettings settings_;
  http::Handler handler_;
  mutable std::mutex tlsMutex_;
  std::shared_ptr<asio::ssl::context> tls_;
};

/// What every session of a server shares.
struct ServerContext {
  asio::thread_pool* handlerPool = nullptr;
  AuditSink audit;
  SessionRegistry registry;
  const Clock* clock = nullptr;
  std::string serverHeader;
  std::atomic<bool> stopping{false};
};

/// Starts serving an accepted connection (session.cc).
void startPlainSession(tcp::socket socket, ListenerState& listener, ServerContext& context);
void startTlsSession(tcp::socket socket, ListenerState& listener, ServerContext& context,
                     std::shared_ptr<asio::ssl::context> tls);

}  // namespace sztp::net::detail
