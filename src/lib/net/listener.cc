#include "net/listener.h"

#include "net/net_error.h"

namespace sztp::net::detail {
namespace {

/// After an accept error (e.g. out of file descriptors), wait before retrying
/// so the loop does not spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

Listener::Listener(asio::io_context& ioc, ListenerState& state, ServerContext& context)
    : state_(state),
      context_(context),
      ioc_(ioc),
      acceptor_(asio::make_strand(ioc)),
      retryTimer_(acceptor_.get_executor()) {}

Status Listener::open() {
  const ListenerSettings& settings = state_.settings();
  beast::error_code ec;
  const auto address = asio::ip::make_address(settings.address, ec);
  if (ec) {
    return Error(NetErrc::ListenAddressInvalid,
                 "listener '" + settings.name + "': '" + settings.address + "'");
  }
  const tcp::endpoint endpoint(address, settings.port);
  const std::string where = "listener '" + settings.name + "' on " + settings.address + " port " +
                            std::to_string(settings.port);
  auto fail = [&](std::string_view step) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return Error(NetErrc::ListenFailed, where + ": " + std::string(step) + ": " + ec.message());
  };
  if (acceptor_.open(endpoint.protocol(), ec); ec) {
    return fail("open");
  }
  if (address.is_v6() && address.to_v6().is_unspecified()) {
    acceptor_.set_option(asio::ip::v6_only(false), ec);  // "::" also accepts IPv4.
    ec.clear();
  }
  if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return fail("reuse_address");
  }
  if (acceptor_.bind(endpoint, ec); ec) {
    return fail("bind");
  }
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return fail("listen");
  }
  state_.port = acceptor_.local_endpoint(ec).port();
  return {};
}

void Listener::startAccepting() {
  asio::dispatch(acceptor_.get_executor(), [this] { accept(); });
}

void Listener::close() {
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ignored;
    retryTimer_.cancel();
    acceptor_.close(ignored);
  });
}

void Listener::accept() {
  if (!acceptor_.is_open()) {
    return;
  }
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    onAccept(ec, std::move(socket));
  });
}

void Listener::onAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
    return;
  }
  if (ec) {
    retryTimer_.expires_after(kAcceptRetryDelay);
    retryTimer_.async_wait([this](beast::error_code timerEc) {
      if (!timerEc) {
        accept();
      }
    });
    return;
  }
  beast::error_code ignored;
  if (context_.stopping.load() || state_.active.load() >= state_.settings().maxConnections) {
    // Over the cap: close before any TLS work, so a flood costs us nothing.
    if (!context_.stopping.load()) {
      ++state_.refused;
    }
    socket.close(ignored);
  } else {
    ++state_.accepted;
    socket.set_option(tcp::no_delay(true), ignored);
    if (state_.isTls()) {
      startTlsSession(std::move(socket), state_, context_, state_.tlsContext());
    } else {
      startPlainSession(std::move(socket), state_, context_);
    }
  }
  accept();
}

}  // namespace sztp::net::detail
