#include "agentio/sources/source_net.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include "discovery/discovery_error.h"

namespace sztp::agentio {
namespace {

int remainingMs(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

bool waitFor(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, remainingMs(deadline));
    if (r < 0 && errno == EINTR) {
      continue;
    }
    return r > 0;
  }
}

Error timeout(std::string_view what) {
  return Error(discovery::DiscoveryErrc::Timeout, what);
}

}  // namespace

Fd::~Fd() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

std::vector<NetInterface> upInterfaces(bool includeLoopback) {
  std::map<std::string, NetInterface> byName;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) {
    return {};
  }
  for (ifaddrs* ifa = list; ifa != nullptr; ifa = ifa->ifa_next) {
    if (ifa->ifa_addr == nullptr || (ifa->ifa_flags & IFF_UP) == 0 ||
        (!includeLoopback && (ifa->ifa_flags & IFF_LOOPBACK) != 0)) {
      continue;
    }
    NetInterface& entry = byName[ifa->ifa_name];
    entry.name = ifa->ifa_name;
    entry.index = ::if_nametoindex(ifa->ifa_name);
    entry.up = true;
    entry.loopback = (ifa->ifa_flags & IFF_LOOPBACK) != 0;
    entry.multicast = (ifa->ifa_flags & IFF_MULTICAST) != 0;
    const int family = ifa->ifa_addr->sa_family;
    if (family == AF_INET && !entry.v4) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(ifa->ifa_addr);
      std::array<std::uint8_t, 4> address{};
      std::memcpy(address.data(), &sin->sin_addr, 4);
      entry.v4 = address;
    } else if (family == AF_INET6) {
      entry.v6 = true;
    } else if (family == AF_PACKET) {
      const auto* sll = reinterpret_cast<const sockaddr_ll*>(ifa->ifa_addr);
      entry.mac.assign(sll->sll_addr, sll->sll_addr + std::min<std::size_t>(sll->sll_halen, 8));
    }
  }
  ::freeifaddrs(list);
  std::vector<NetInterface> out;
  for (auto& [name, entry] : byName) {
    out.push_back(std::move(entry));
  }
  return out;
}

std::string addressText(ByteView address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.size() == 4) {
    ::inet_ntop(AF_INET, address.data(), text, sizeof text);
  } else if (address.size() == 16) {
    ::inet_ntop(AF_INET6, address.data(), text, sizeof text);
  }
  return text;
}

std::optional<SocketAddress> numericAddress(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* result = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &result) != 0 ||
      result == nullptr) {
    return std::nullopt;
  }
  SocketAddress out;
  std::memcpy(&out.storage, result->ai_addr, result->ai_addrlen);
  out.length = result->ai_addrlen;
  ::freeaddrinfo(result);
  return out;
}

std::optional<Bytes> receiveUntil(int fd, std::chrono::steady_clock::time_point deadline,
                                  const std::function<bool(const Bytes&)>& accept) {
  Bytes buffer(65536);
  while (waitFor(fd, POLLIN, deadline)) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR || errno == ECONNREFUSED) {
        continue;  // ECONNREFUSED: an ICMP error for an earlier datagram
      }
      return std::nullopt;
    }
    Bytes message(buffer.begin(), buffer.begin() + n);
    if (accept(message)) {
      return message;
    }
  }
  return std::nullopt;
}

Result<Bytes> tcpDnsExchange(const SocketAddress& server, ByteView query,
                             std::chrono::steady_clock::time_point deadline) {
  Fd fd(::socket(server.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) {
    return Error(discovery::DiscoveryErrc::SourceUnavailable, std::strerror(errno));
  }
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&server.storage), server.length) != 0 &&
      errno != EINPROGRESS) {
    return Error(discovery::DiscoveryErrc::SourceUnavailable,
                 std::string("TCP connect: ") + std::strerror(errno));
  }
  if (!waitFor(fd.get(), POLLOUT, deadline)) {
    return timeout("TCP connect");
  }
  int soError = 0;
  socklen_t len = sizeof soError;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &soError, &len);
  if (soError != 0) {
    return Error(discovery::DiscoveryErrc::SourceUnavailable,
                 std::string("TCP connect: ") + std::strerror(soError));
  }
  Bytes out{static_cast<std::uint8_t>(query.size() >> 8), static_cast<std::uint8_t>(query.size())};
  out.insert(out.end(), query.begin(), query.end());
  for (std::size_t sent = 0; sent < out.size();) {
    if (!waitFor(fd.get(), POLLOUT, deadline)) {
      return timeout("TCP send");
    }
    const ssize_t n = ::send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return Error(discovery::DiscoveryErrc::SourceUnavailable, std::strerror(errno));
    }
    sent += n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  Bytes in;
  std::size_t want = 2;
  bool haveLength = false;
  while (in.size() < want) {
    if (!waitFor(fd.get(), POLLIN, deadline)) {
      return timeout("TCP receive");
    }
    std::uint8_t chunk[4096];
    const ssize_t n = ::recv(fd.get(), chunk, std::min(sizeof chunk, want - in.size()), 0);
    if (n == 0) {
      return Error(discovery::DiscoveryErrc::DnsMessageMalformed, "TCP stream closed early");
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) {
        continue;
      }
      return Error(discovery::DiscoveryErrc::SourceUnavailable, std::strerror(errno));
    }
    in.insert(in.end(), chunk, chunk + n);
    if (!haveLength && in.size() == 2) {
      want = 2 + ((std::size_t{in[0]} << 8) | in[1]);
      haveLength = true;
    }
  }
  return Bytes(in.begin() + 2, in.end());
}

}  // namespace sztp::agentio
