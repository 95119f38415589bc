#include "agentio/syslog/syslog_sender.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

namespace sztp::agentio {
namespace {

using Clock = std::chrono::steady_clock;

int remainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

/// Connects a non-blocking socket to the first address of host:port that
/// answers within `timeout`; -1 when none does.
int connectTo(const SyslogConfig& config) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = config.transport == SyslogTransport::Tcp ? SOCK_STREAM : SOCK_DGRAM;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(config.port);
  if (::getaddrinfo(config.host.c_str(), port.c_str(), &hints, &found) != 0) {
    return -1;
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      continue;
    }
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = -1;
      if (::poll(&p, 1, static_cast<int>(config.ioTimeout.count())) == 1) {
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0) {
          rc = 0;
        }
      }
    }
    if (rc == 0) {
      return fd;
    }
    ::close(fd);
  }
  return -1;
}

/// True when a connected TCP peer has closed or reset the connection: a
/// collector never sends, so anything readable is EOF or an error.
bool peerClosed(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

}  // namespace

SyslogSender::SyslogSender(SyslogConfig config) : config_(std::move(config)) {
  if (config_.transport == SyslogTransport::Udp && config_.format.maxLength == 0) {
    config_.format.maxLength = config_.maxDatagram;
  }
  if (config_.queueCapacity == 0) {
    config_.queueCapacity = 1;
  }
  worker_ = std::thread([this] { run(); });
}

SyslogSender::~SyslogSender() {
  flush(config_.ioTimeout);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
  stats_.dropped += queue_.size();
  queue_.clear();
  closeSocket();
}

void SyslogSender::send(logging::LogRecord record) {
  if (record.hostname.empty()) {
    record.hostname = config_.hostname;
  }
  if (record.appName.empty()) {
    record.appName = config_.appName;
  }
  if (record.procId.empty()) {
    record.procId = config_.procId;
  }
  std::string message = logging::format(record, config_.format);
  if (config_.transport == SyslogTransport::Tcp) {
    message = logging::frameOctetCounting(message);
  }
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= config_.queueCapacity) {
      queue_.pop_front();  // The oldest goes: the newest says most about now.
      ++stats_.dropped;
    }
    queue_.push_back(std::move(message));
    ++stats_.queued;
  }
  wake_.notify_one();
}

bool SyslogSender::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return drained_.wait_for(lock, timeout, [this] { return queue_.empty() && !inFlight_; });
}

SyslogStats SyslogSender::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void SyslogSender::closeSocket() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

bool SyslogSender::ensureConnected(std::unique_lock<std::mutex>& lock) {
  if (fd_ >= 0 && config_.transport == SyslogTransport::Tcp && peerClosed(fd_)) {
    closeSocket();
  }
  if (fd_ >= 0) {
    return true;
  }
  if (Clock::now() < nextConnect_) {
    return false;
  }
  lock.unlock();  // Name resolution and connect may take up to ioTimeout.
  const int fd = connectTo(config_);
  lock.lock();
  if (fd < 0) {
    ++stats_.connectFailures;
    backoff_ =
        backoff_.count() == 0 ? config_.minBackoff : std::min(backoff_ * 2, config_.maxBackoff);
    nextConnect_ = Clock::now() + backoff_;
    return false;
  }
  fd_ = fd;
  ++stats_.connects;
  backoff_ = std::chrono::milliseconds(0);
  return true;
}

bool SyslogSender::transmit(const std::string& message) {
  if (config_.transport == SyslogTransport::Udp) {
    // One message per datagram (RFC 5426 §3.1); ECONNREFUSED from an
    // earlier ICMP port unreachable also lands here.
    return ::send(fd_, message.data(), message.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(message.size());
  }
  const auto deadline = Clock::now() + config_.ioTimeout;
  std::size_t done = 0;
  while (done < message.size()) {
    const ssize_t n = ::send(fd_, message.data() + done, message.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, remainingMs(deadline)) == 1) {
        continue;
      }
    }
    return false;
  }
  return true;
}

void SyslogSender::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (stopping_) {
      return;
    }
    if (queue_.empty()) {
      drained_.notify_all();
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      continue;
    }
    if (!ensureConnected(lock)) {
      // Messages wait in the bounded queue for the next attempt; overflow
      // drops the oldest (send()).
      wake_.wait_until(lock, nextConnect_, [this] { return stopping_; });
      continue;
    }
    std::string message = std::move(queue_.front());
    queue_.pop_front();
    inFlight_ = true;
    lock.unlock();
    const bool ok = transmit(message);
    lock.lock();
    inFlight_ = false;
    if (ok) {
      ++stats_.sent;
    } else {
      // The message is lost; a TCP stream may hold part of it, so the
      // connection goes too and the next message reconnects.
      ++stats_.dropped;
      if (config_.transport == SyslogTransport::Tcp) {
        closeSocket();
      }
    }
  }
}

}  // namespace sztp::agentio
