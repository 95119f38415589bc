#pragma once

#include "common/result.h"
#include "net/server_core.h"

namespace sztp::net::detail {

/// The accepting side of one listener: a listening socket on its own strand
/// that starts a session per connection, or closes the connection at once
/// when the listener already has maxConnections open.
class Listener {
 public:
  Listener(asio::io_context& ioc, ListenerState& state, ServerContext& context);

  /// Opens, binds and listens; records the bound port in the state.
  Status open();
  /// Starts the accept loop (call once, after open()).
  void startAccepting();
  /// Stops accepting; thread-safe.
  void close();

 private:
  void accept();
  void onAccept(beast::error_code ec, tcp::socket socket);

  ListenerState& state_;
  ServerContext& context_;
  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer retryTimer_;
};

}  // namespace sztp::net::detail
