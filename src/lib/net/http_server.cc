#include "net/http_server.h"

#include <optional>
#include <set>
#include <thread>

#include "net/listener.h"
#include "net/net_error.h"
#include "net/server_core.h"
#include "net/tls_context.h"

namespace sztp::net {

namespace asio = boost::asio;

namespace {

/// After the grace period, how long force-closed connections get to go.
constexpr std::chrono::seconds kForceCloseWait{2};

Status checkSettings(const ServerSettings& settings,
                     const std::map<std::string, http::Handler>& handlers) {
  if (settings.ioThreads == 0 || settings.handlerThreads == 0) {
    return Error(NetErrc::SettingsInvalid, "ioThreads and handlerThreads must be at least 1");
  }
  if (settings.listeners.empty()) {
    return Error(NetErrc::SettingsInvalid, "no listener is configured");
  }
  std::set<std::string> names;
  for (const auto& listener : settings.listeners) {
    if (listener.name.empty() || !names.insert(listener.name).second) {
      return Error(NetErrc::SettingsInvalid,
                   "listener names must be unique and not empty ('" + listener.name + "')");
    }
    const auto handler = handlers.find(listener.name);
    if (handler == handlers.end() || !handler->second) {
      return Error(NetErrc::SettingsInvalid, "no handler for listener '" + listener.name + "'");
    }
    if (listener.maxBodyBytes == 0 || listener.maxHeaderBytes == 0 ||
        listener.maxConnections == 0) {
      return Error(NetErrc::SettingsInvalid,
                   "listener '" + listener.name +
                       "': maxBodyBytes, maxHeaderBytes and maxConnections must be above 0");
    }
    for (const auto timeout : {listener.handshakeTimeout, listener.headerTimeout,
                               listener.bodyTimeout, listener.idleTimeout, listener.sendTimeout}) {
      if (timeout.count() <= 0) {
        return Error(NetErrc::SettingsInvalid,
                     "listener '" + listener.name + "': timeouts must be above 0");
      }
    }
  }
  for (const auto& [name, handler] : handlers) {
    if (!names.contains(name)) {
      return Error(NetErrc::SettingsInvalid,
                   "a handler is given for unknown listener '" + name + "'");
    }
  }
  return {};
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(ServerSettings settings, AuditSink audit)
      : ioThreadCount_(settings.ioThreads),
        ioc_(static_cast<int>(settings.ioThreads)),
        pool_(settings.handlerThreads) {
    context_.handlerPool = &pool_;
    context_.audit = std::move(audit);
    context_.clock = settings.clock;
    context_.serverHeader = std::move(settings.serverHeader);
  }

  ~Impl() { stop(std::chrono::milliseconds(0)); }

  Status addListener(ListenerSettings settings, http::Handler handler) {
    std::shared_ptr<asio::ssl::context> tls;
    if (settings.tls) {
      auto made = detail::makeTlsContext(*settings.tls);
      if (!made) {
        return std::move(made).error().addContext("listener '" + settings.name + "'");
      }
      tls = std::move(*made);
      settings.tls->privateKeyPem.clear();  // Kept by OpenSSL only.
    }
    auto state = std::make_unique<detail::ListenerState>(std::move(settings), std::move(handler));
    state->setTlsContext(std::move(tls));
    states_.push_back(std::move(state));
    return {};
  }

  Status start() {
    const std::lock_guard lock(mutex_);
    if (started_ || stopped_) {
      return Error(NetErrc::WrongState);
    }
    for (auto& state : states_) {
      auto listener = std::make_unique<detail::Listener>(ioc_, *state, context_);
      if (auto opened = listener->open(); !opened) {
        listeners_.clear();
        for (auto& other : states_) {
          other->port = 0;
        }
        return opened;
      }
      listeners_.push_back(std::move(listener));
    }
    started_ = true;
    work_.emplace(ioc_.get_executor());
    for (auto& listener : listeners_) {
      listener->startAccepting();
    }
    for (std::size_t i = 0; i < ioThreadCount_; ++i) {
      threads_.emplace_back([this] { runIo(); });
    }
    return {};
  }

  void stop(std::chrono::milliseconds grace) {
    const std::lock_guard lock(mutex_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
    if (started_) {
      context_.stopping = true;
      for (auto& listener : listeners_) {
        listener->close();
      }
      for (auto& session : context_.registry.snapshot()) {
        session->requestStop();
      }
      const auto deadline = std::chrono::steady_clock::now() + grace;
      if (!context_.registry.waitEmpty(deadline)) {
        for (auto& session : context_.registry.snapshot()) {
          session->forceClose();
        }
        context_.registry.waitEmpty(std::chrono::steady_clock::now() + kForceCloseWait);
      }
      work_.reset();
      ioc_.stop();
      for (auto& thread : threads_) {
        thread.join();
      }
      threads_.clear();
    }
    // Without stop(): join() waits for the queued work, so the audit records
    // of the last requests are written.
    pool_.join();
  }

  std::uint16_t boundPort(std::string_view name) const {
    const auto* state = find(name);
    return state != nullptr ? state->port.load() : 0;
  }

  Status reloadTls(std::string_view name, const TlsSettings& tls) {
    auto* state = find(name);
    if (state == nullptr || !state->isTls()) {
      return Error(NetErrc::UnknownListener, "'" + std::string(name) + "'");
    }
    auto made = detail::makeTlsContext(tls);
    if (!made) {
      return std::move(made).error().addContext("listener '" + std::string(name) + "'");
    }
    state->setTlsContext(std::move(*made));
    return {};
  }

  ListenerStats stats(std::string_view name) const {
    const auto* state = find(name);
    return state != nullptr ? state->stats() : ListenerStats{};
  }

 private:
  detail::ListenerState* find(std::string_view name) const {
    for (const auto& state : states_) {
      if (state->settings().name == name) {
        return state.get();
      }
    }
    return nullptr;
  }

  void runIo() {
    while (true) {
      try {
        ioc_.run();
        return;
      } catch (...) {
        // A handler threw (only allocation failure can): keep serving.
      }
    }
  }

  // Declaration order is destruction order reversed, and it matters: pending
  // handlers destroyed with the pool or the io_context own sessions, whose
  // destructors use the listener states and the context; I/O objects
  // (listeners) must go before their io_context.
  std::size_t ioThreadCount_;
  std::vector<std::unique_ptr<detail::ListenerState>> states_;
  detail::ServerContext context_;
  asio::io_context ioc_;
  asio::thread_pool pool_;
  std::vector<std::unique_ptr<detail::Listener>> listeners_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  bool started_ = false;
  bool stopped_ = false;
};

Result<std::unique_ptr<HttpServer>> HttpServer::create(
    ServerSettings settings, std::map<std::string, http::Handler> handlers, AuditSink audit) {
  if (auto valid = checkSettings(settings, handlers); !valid) {
    return std::move(valid).error();
  }
  std::vector<ListenerSettings> listeners = std::move(settings.listeners);
  auto impl = std::make_unique<Impl>(std::move(settings), std::move(audit));
  for (auto& listener : listeners) {
    auto handler = std::move(handlers[listener.name]);
    if (auto added = impl->addListener(std::move(listener), std::move(handler)); !added) {
      return std::move(added).error();
    }
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() = default;

Status HttpServer::start() {
  return impl_->start();
}

std::uint16_t HttpServer::boundPort(std::string_view listener) const {
  return impl_->boundPort(listener);
}

Status HttpServer::reloadTls(std::string_view listener, const TlsSettings& tls) {
  return impl_->reloadTls(listener, tls);
}

void HttpServer::stop(std::chrono::milliseconds grace) {
  impl_->stop(grace);
}

ListenerStats HttpServer::stats(std::string_view listener) const {
  return impl_->stats(listener);
}

}  // namespace sztp::net
