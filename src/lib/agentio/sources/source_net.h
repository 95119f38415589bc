#pragma once

// Internal to sztp_agentio_sources: datagram and stream exchanges with a
// deadline, for the DNS and DHCP sources.

#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

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

/// A network interface as getifaddrs(3) reports it (in the calling thread's
/// network namespace).
struct NetInterface {
  std::string name;
  unsigned index = 0;
  bool up = false;
  bool loopback = false;
  bool multicast = false;                         ///< IFF_MULTICAST
  std::optional<std::array<std::uint8_t, 4>> v4;  ///< The first IPv4 address.
  bool v6 = false;                                ///< Has an IPv6 address.
  Bytes mac;                                      ///< Link-layer address (AF_PACKET), may be empty.
};
/// The interfaces that are up, by name; loopback ones only if `includeLoopback`.
std::vector<NetInterface> upInterfaces(bool includeLoopback);

/// An IP address (4 or 16 octets) in text form; "" for any other length.
std::string addressText(ByteView address);

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
