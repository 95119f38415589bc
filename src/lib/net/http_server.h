#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/message.h"
#include "net/server_settings.h"

namespace sztp::net {

/// An asynchronous, multi-threaded HTTP/1.1 server (Boost.Asio/Beast, OpenSSL)
/// carrying http::Request/http::Response to and from one http::Handler per
/// listener (docs/transport.md). Network I/O runs on `ioThreads`; handlers run
/// on a separate pool of `handlerThreads`, so a handler that blocks (SQLite)
/// never stalls other connections.
///
/// Lifecycle: create() checks every setting and builds the TLS contexts
/// (nothing is bound, so it doubles as a configuration check); start() binds
/// and serves; stop() drains; the destructor stops with no grace. One start
/// per server.
class HttpServer {
 public:
  /// `handlers` has one entry per listener name. `audit` may be empty.
  static Result<std::unique_ptr<HttpServer>> create(ServerSettings settings,
                                                    std::map<std::string, http::Handler> handlers,
                                                    AuditSink audit = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds every listener and starts the threads. On failure nothing stays bound.
  Status start();

  /// The port a listener is bound to (useful with port 0); 0 if the listener
  /// is unknown or the server is not started.
  std::uint16_t boundPort(std::string_view listener) const;

  /// Replaces a TLS listener's certificate, key and settings. Connections
  /// accepted afterwards use the new ones; open connections are untouched.
  /// On error the old settings stay.
  Status reloadTls(std::string_view listener, const TlsSettings& tls);

  /// Graceful stop: stops accepting, closes idle connections, lets requests
  /// already being read or handled finish (answered with Connection: close),
  /// and after `grace` closes whatever is left. Returns when every thread has
  /// ended, which also waits for handlers still running and for the audit
  /// sink calls already queued. Idempotent. Must not be called from a handler
  /// or the audit sink.
  void stop(std::chrono::milliseconds grace);

  /// Counters of a listener (all zero for an unknown name).
  ListenerStats stats(std::string_view listener) const;

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sztp::net
