#include "agentio/sources/source_dhcp_inform.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "agentio/sources/source_net.h"
#include "dhcp/sztp_redirect_option.h"
#include "discovery/dhcp_messages.h"

namespace sztp::agentio {
namespace {

namespace d = discovery;
using Clock = std::chrono::steady_clock;

std::uint32_t randomId(const std::function<Bytes(std::size_t)>& randomBytes) {
  const Bytes b = randomBytes ? randomBytes(4) : Bytes{};
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < b.size() && i < 4; ++i) {
    v = (v << 8) | b[i];
  }
  return v;
}

// A UDP socket bound to `ifname` and the client port of the family.
Result<Fd> clientSocket(int family, const std::string& ifname, std::uint16_t port) {
  Fd fd(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  auto fail = [&](const char* what) {
    return Error(d::DiscoveryErrc::SourceUnavailable,
                 ifname + ": " + what + ": " + std::strerror(errno));
  };
  if (!fd.valid()) {
    return fail("socket");
  }
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET) {
    ::setsockopt(fd.get(), SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  } else {
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                   static_cast<socklen_t>(ifname.size())) != 0) {
    return fail("SO_BINDTODEVICE");
  }
  sockaddr_storage local{};
  socklen_t length = 0;
  if (family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&local);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    sin->sin_addr.s_addr = htonl(INADDR_ANY);
    length = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&local);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    sin6->sin6_addr = in6addr_any;
    length = sizeof(sockaddr_in6);
  }
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&local), length) != 0) {
    return fail("bind");
  }
  return fd;
}

}  // namespace

DhcpInformSource::DhcpInformSource(DhcpInformConfig config) : config_(std::move(config)) {}

Result<std::vector<agent::SourceYield>> DhcpInformSource::discover() {
  problems_.clear();
  domains_.clear();
  std::vector<agent::SourceYield> out;
  std::size_t sent = 0;
  std::size_t tried = 0;
  auto addYield = [&](const std::string& origin, ByteView redirect) {
    auto decoded = dhcp::decodeServerList(redirect);
    if (!decoded) {
      Error error = std::move(decoded).error();
      error.addContext(origin);
      problems_.push_back(std::move(error));  // X12: the option is discarded
      return;
    }
    agent::SourceYield yield;
    yield.kind = agent::SourceKind::Dhcp;
    yield.origin = origin;
    for (const auto& server : decoded->servers) {
      yield.servers.push_back({server.host, server.port, std::nullopt});  // X11
    }
    out.push_back(std::move(yield));
  };

  for (const auto& itf : upInterfaces(config_.includeLoopback)) {
    if (!config_.interfaces.empty() &&
        std::find(config_.interfaces.begin(), config_.interfaces.end(), itf.name) ==
            config_.interfaces.end()) {
      continue;
    }
    if (config_.v4 && itf.v4) {
      ++tried;
      auto fd = clientSocket(AF_INET, itf.name, config_.v4ClientPort);
      auto server = numericAddress(config_.v4Server, config_.v4ServerPort);
      if (!fd || !server) {
        problems_.push_back(fd ? Error(d::DiscoveryErrc::SourceUnavailable,
                                       "bad DHCPv4 server address " + config_.v4Server)
                               : fd.error());
      } else {
        d::DhcpInformRequest request;
        request.xid = randomId(config_.randomBytes);
        request.clientAddress = *itf.v4;
        request.hardwareAddress = itf.mac.size() <= 16 ? itf.mac : Bytes{};
        auto message = d::buildDhcpInform(request);
        std::optional<d::Dhcpv4Message> reply;
        for (int attempt = 0; message && attempt < std::max(1, config_.attempts) && !reply;
             ++attempt) {
          if (::sendto(fd->get(), message->data(), message->size(), 0,
                       reinterpret_cast<const sockaddr*>(&server->storage), server->length) < 0) {
            problems_.push_back(Error(d::DiscoveryErrc::SourceUnavailable,
                                      itf.name + ": DHCPINFORM: " + std::strerror(errno)));
            break;
          }
          ++sent;
          receiveUntil(fd->get(), Clock::now() + config_.timeout, [&](const Bytes& packet) {
            auto parsed = d::parseDhcpInformReply(packet, request.xid);
            if (parsed) {
              reply = std::move(*parsed);
            }
            return parsed.ok();
          });
        }
        if (reply) {
          if (reply->domainName) {
            domains_.push_back(*reply->domainName);
          }
          if (reply->redirect) {
            addYield("dhcpv4 " + itf.name + " (DHCPINFORM)", *reply->redirect);
          }
        }
      }
    }
    if (config_.v6 && itf.v6) {
      ++tried;
      auto fd = clientSocket(AF_INET6, itf.name, config_.v6ClientPort);
      std::string serverHost = config_.v6Server;
      if (serverHost.starts_with("ff02:") || serverHost.starts_with("fe80:")) {
        serverHost += "%" + itf.name;  // link-scoped: name the interface
      }
      auto server = numericAddress(serverHost, config_.v6ServerPort);
      if (!fd || !server) {
        problems_.push_back(fd ? Error(d::DiscoveryErrc::SourceUnavailable,
                                       "bad DHCPv6 server address " + config_.v6Server)
                               : fd.error());
      } else {
        const int index = static_cast<int>(itf.index);
        ::setsockopt(fd->get(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index);
        d::Dhcpv6InformationRequest request;
        request.transactionId = randomId(config_.randomBytes) & 0xffffffu;
        request.clientDuid = d::makeDuidLl(itf.mac.empty() ? Bytes(6, 0) : itf.mac);
        std::optional<d::Dhcpv6Message> reply;
        const auto first = Clock::now();
        for (int attempt = 0; attempt < std::max(1, config_.attempts) && !reply; ++attempt) {
          const auto elapsed =
              std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - first);
          request.elapsedHundredths =
              static_cast<std::uint16_t>(std::min<std::int64_t>(elapsed.count() / 10, 0xffff));
          auto message = d::buildDhcpv6InformationRequest(request);
          if (!message) {
            problems_.push_back(message.error());
            break;
          }
          if (::sendto(fd->get(), message->data(), message->size(), 0,
                       reinterpret_cast<const sockaddr*>(&server->storage), server->length) < 0) {
            problems_.push_back(Error(d::DiscoveryErrc::SourceUnavailable,
                                      itf.name + ": Information-Request: " + std::strerror(errno)));
            break;
          }
          ++sent;
          receiveUntil(fd->get(), Clock::now() + config_.timeout, [&](const Bytes& packet) {
            auto parsed = d::parseDhcpv6Reply(packet, request.transactionId, request.clientDuid);
            if (parsed) {
              reply = std::move(*parsed);
            }
            return parsed.ok();
          });
        }
        if (reply && reply->redirect) {
          addYield("dhcpv6 " + itf.name + " (Information-Request)", *reply->redirect);
        }
      }
    }
  }
  if (tried > 0 && sent == 0) {
    return problems_.empty()
               ? Error(d::DiscoveryErrc::SourceUnavailable, "no DHCP request could be sent")
               : problems_.front();
  }
  return out;
}

}  // namespace sztp::agentio
