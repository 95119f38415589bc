#pragma once

// Internal to sztp_agentio_sources: datagram and stream exchanges with a
// deadline, for the DNS and DHCP sources.

#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace sztp::agentio {

/// A resolved numeric address ("192.0.2.1", "2001:db8::1", "fe80::1%eth0") and port.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
};
std::optional<SocketAddress> numericAddress(const std::string& host, std::uint16_t port);

/// An owned file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd();
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd& operator=(Fd&&) = delete;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_;
};

/// Waits for datagrams on `fd` until `accept` returns true for one (then
/// returns it) or `deadline` passes (nullopt).
std::optional<Bytes> receiveUntil(int fd, std::chrono::steady_clock::time_point deadline,
                                  const std::function<bool(const Bytes&)>& accept);

/// DNS over TCP (RFC 1035 §4.2.2: 2-octet length prefix): connect, send,
/// read one message, all before `deadline`.
Result<Bytes> tcpDnsExchange(const SocketAddress& server, ByteView query,
                             std::chrono::steady_clock::time_point deadline);

}  // namespace sztp::agentio
