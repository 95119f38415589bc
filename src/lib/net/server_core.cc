#include "net/server_core.h"

namespace sztp::net::detail {

void SessionRegistry::add(const std::shared_ptr<SessionBase>& session) {
  const std::lock_guard lock(mutex_);
  sessions_.emplace(session.get(), session);
}

void SessionRegistry::remove(SessionBase* session) {
  const std::lock_guard lock(mutex_);
  sessions_.erase(session);
  if (sessions_.empty()) {
    empty_.notify_all();
  }
}

std::vector<std::shared_ptr<SessionBase>> SessionRegistry::snapshot() const {
  std::vector<std::shared_ptr<SessionBase>> live;
  const std::lock_guard lock(mutex_);
  live.reserve(sessions_.size());
  for (const auto& [raw, weak] : sessions_) {
    if (auto session = weak.lock()) {
      live.push_back(std::move(session));
    }
  }
  return live;
}

bool SessionRegistry::waitEmpty(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  return empty_.wait_until(lock, deadline, [this] { return sessions_.empty(); });
}

std::shared_ptr<asio::ssl::context> ListenerState::tlsContext() const {
  const std::lock_guard lock(tlsMutex_);
  return tls_;
}

void ListenerState::setTlsContext(std::shared_ptr<asio::ssl::context> context) {
  const std::lock_guard lock(tlsMutex_);
  tls_ = std::move(context);
}

ListenerStats ListenerState::stats() const {
  ListenerStats out;
  out.connectionsAccepted = accepted.load();
  out.connectionsRefused = refused.load();
  out.connectionsActive = active.load();
  out.handshakeFailures = handshakeFailures.load();
  out.timeouts = timeouts.load();
  out.requests = requests.load();
  return out;
}

}  // namespace sztp::net::detail
