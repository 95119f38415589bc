#include "agentio/sources/source_dns.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <utility>

#include "agentio/sources/source_files.h"
#include "agentio/sources/source_net.h"
#include "discovery/dns_messages.h"

namespace sztp::agentio {
namespace {

namespace d = discovery;
constexpr std::size_t kMaxResolvConf = 64 * 1024;

struct Outcome {
  std::optional<d::DnsResponse> response;
  std::optional<Error> error;
};

// RFC 6762 §11: mDNS packets are sent with TTL / hop limit 255.
constexpr int kMdnsHops = 255;

// One mDNS socket per family: bound to an ephemeral port (legacy unicast,
// RFC 6762 §6.7), multicast loop on so that a responder on this host answers.
Fd mdnsSocket(int family) {
  Fd fd(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return fd;
  }
  const int one = 1;
  sockaddr_storage local{};
  socklen_t length = 0;
  if (family == AF_INET) {
    const unsigned char ttl = kMdnsHops;
    const unsigned char loop = 1;
    ::setsockopt(fd.get(), IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl);
    ::setsockopt(fd.get(), IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop);
    auto* sin = reinterpret_cast<sockaddr_in*>(&local);
    sin->sin_family = AF_INET;
    length = sizeof(sockaddr_in);
  } else {
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &kMdnsHops, sizeof kMdnsHops);
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &one, sizeof one);
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&local);
    sin6->sin6_family = AF_INET6;
    length = sizeof(sockaddr_in6);
  }
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local), length) != 0) {
    return Fd();
  }
  return fd;
}

// Sends `message` to the group on interface `index`; false on failure.
bool sendMdns(int fd, int family, unsigned index, const SocketAddress& group, ByteView message) {
  SocketAddress target = group;
  if (family == AF_INET) {
    ip_mreqn request{};
    request.imr_ifindex = static_cast<int>(index);
    if (::setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof request) != 0) {
      return false;
    }
  } else {
    const int ifindex = static_cast<int>(index);
    if (::setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof ifindex) != 0) {
      return false;
    }
    reinterpret_cast<sockaddr_in6*>(&target.storage)->sin6_scope_id =
        index;  // ff02:: is link-scoped
  }
  return ::sendto(fd, message.data(), message.size(), 0,
                  reinterpret_cast<const sockaddr*>(&target.storage), target.length) >= 0;
}

// The TXT yield of the first record that has a ci key (X8), if any.
std::optional<agent::SourceYield> txtYield(const std::vector<std::vector<Bytes>>& records,
                                           const std::string& origin) {
  for (const auto& record : records) {
    auto data = d::parseSztpTxt(record);
    if (!data.conveyedInformation) {
      continue;
    }
    agent::SourceYield yield;
    yield.kind = agent::SourceKind::Dns;
    yield.origin = origin;
    yield.data = trust::BootstrappingData{std::move(*data.conveyedInformation),
                                          std::move(data.ownerCertificate),
                                          std::move(data.ownershipVoucher)};
    return yield;
  }
  return std::nullopt;
}

bool isIpv6LinkLocal(const Bytes& address) {
  return address.size() == 16 && address[0] == 0xfe && (address[1] & 0xc0) == 0x80;
}

}  // namespace

ResolvConf parseResolvConf(std::string_view text) {
  ResolvConf out;
  std::istringstream in{std::string(text)};
  std::string line;
  std::vector<std::string> domain;
  while (std::getline(in, line)) {
    const auto hash = line.find_first_of("#;");
    if (hash != std::string::npos) {
      line.erase(hash);
    }
    std::istringstream words(line);
    std::string keyword;
    words >> keyword;
    std::string word;
    if (keyword == "nameserver" && words >> word) {
      out.nameservers.push_back(word);
    } else if (keyword == "search") {
      // The last search/domain line wins (resolv.conf(5)).
      out.search.clear();
      domain.clear();
      while (words >> word) {
        out.search.push_back(word);
      }
    } else if (keyword == "domain" && words >> word) {
      out.search.clear();
      domain = {word};
    }
  }
  if (out.search.empty()) {
    out.search = domain;
  }
  return out;
}

DnsSource::DnsSource(DnsConfig config) : config_(std::move(config)) {}

Result<std::vector<agent::SourceYield>> DnsSource::discover() {
  problems_.clear();
  ResolvConf resolv;
  if (config_.domains.empty() || config_.nameservers.empty()) {
    if (auto content = readFileCapped(config_.resolvConf, kMaxResolvConf)) {
      resolv = parseResolvConf(toString(*content));
    }
  }
  const auto& servers = config_.nameservers.empty() ? resolv.nameservers : config_.nameservers;
  std::vector<std::string> domains = config_.domains.empty() ? resolv.search : config_.domains;
  if (config_.moreDomains) {
    for (auto& extra : config_.moreDomains()) {
      domains.push_back(std::move(extra));
    }
  }
  for (auto& domain : domains) {
    while (!domain.empty() && domain.back() == '.') {
      domain.pop_back();
    }
  }
  std::erase_if(domains, [](const std::string& s) { return s.empty(); });
  std::vector<std::string> unique;
  for (const auto& domain : domains) {
    if (std::find(unique.begin(), unique.end(), domain) == unique.end()) {
      unique.push_back(domain);
    }
  }
  std::vector<SocketAddress> addresses;
  for (const auto& server : servers) {
    if (auto address = numericAddress(server, config_.port)) {
      addresses.push_back(*address);
    }
  }
  if (addresses.empty() && !config_.mdns) {
    return Error(d::DiscoveryErrc::SourceUnavailable, "no usable DNS name server configured");
  }
  const std::function<std::uint32_t(std::uint32_t)> random =
      config_.random ? config_.random : [](std::uint32_t) { return 0u; };

  // One query, server by server; nullopt response with error when nobody answered.
  auto query = [&](const std::string& name, std::uint16_t type) -> Outcome {
    Outcome outcome;
    for (const auto& server : addresses) {
      const auto id = static_cast<std::uint16_t>(random(65536));
      auto message = d::buildDnsQuery(id, name, type);
      if (!message) {
        outcome.error = std::move(message).error();
        return outcome;
      }
      std::optional<d::DnsResponse> answer;
      for (int attempt = 0; attempt < std::max(1, config_.attempts) && !answer; ++attempt) {
        Fd fd(::socket(server.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
        if (!fd.valid() ||
            ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&server.storage),
                      server.length) != 0 ||
            ::send(fd.get(), message->data(), message->size(), 0) < 0) {
          outcome.error = Error(d::DiscoveryErrc::SourceUnavailable,
                                std::string("DNS over UDP: ") + std::strerror(errno));
          break;
        }
        const auto deadline = std::chrono::steady_clock::now() + config_.timeout;
        std::optional<Result<d::DnsResponse>> parsed;
        receiveUntil(fd.get(), deadline, [&](const Bytes& reply) {
          auto r = d::parseDnsResponse(reply, id, name, type);
          if (!r && r.error() == d::DiscoveryErrc::DnsReplyMismatch) {
            return false;  // someone else's answer: keep waiting
          }
          parsed = std::move(r);
          return true;
        });
        if (!parsed) {
          outcome.error = Error(d::DiscoveryErrc::Timeout, "no DNS answer for " + name);
          continue;
        }
        if (!*parsed) {
          outcome.error = std::move(*parsed).error();
          break;  // malformed or server error: next server
        }
        if ((*parsed)->truncated) {
          // X10: signed artifacts do not fit UDP; ask again over TCP.
          auto tcp = tcpDnsExchange(server, *message, deadline + config_.timeout);
          if (!tcp) {
            outcome.error = std::move(tcp).error();
            break;
          }
          auto full = d::parseDnsResponse(*tcp, id, name, type);
          if (!full) {
            outcome.error = std::move(full).error();
            break;
          }
          answer = std::move(*full);
        } else {
          answer = std::move(**parsed);
        }
      }
      if (answer) {
        outcome.response = std::move(answer);
        outcome.error.reset();
        return outcome;
      }
    }
    return outcome;
  };

  // X5: one mDNS query on every chosen interface of both families; the
  // responses (legacy unicast, RFC 6762 §6.7) until the deadline, or until
  // `enough` says so.
  auto mdnsQuery = [&](const std::string& name, std::uint16_t type,
                       const std::function<bool(const d::DnsResponse&)>& enough) {
    std::vector<d::DnsResponse> responses;
    bool sent = false;
    // Legacy unicast responses repeat our id; 0 is what multicast responses carry.
    const auto id = static_cast<std::uint16_t>(1 + random(65535) % 65535);
    auto message = d::buildMdnsQuery(id, name, type);
    if (!message) {
      problems_.push_back(std::move(message).error());
      return std::make_pair(responses, sent);
    }
    std::vector<NetInterface> interfaces;
    for (auto& itf : upInterfaces(true)) {
      const bool named = std::find(config_.mdnsInterfaces.begin(), config_.mdnsInterfaces.end(),
                                   itf.name) != config_.mdnsInterfaces.end();
      if (config_.mdnsInterfaces.empty() ? (itf.multicast && !itf.loopback) : named) {
        interfaces.push_back(std::move(itf));
      }
    }
    std::vector<Fd> sockets;
    const struct {
      int family;
      bool enabled;
      const std::string& group;
    } families[] = {{AF_INET, config_.mdnsV4, config_.mdnsGroupV4},
                    {AF_INET6, config_.mdnsV6, config_.mdnsGroupV6}};
    for (const auto& family : families) {
      const bool anyInterface =
          std::any_of(interfaces.begin(), interfaces.end(), [&](const NetInterface& itf) {
            return family.family == AF_INET ? itf.v4.has_value() : itf.v6;
          });
      if (!family.enabled || !anyInterface) {
        continue;
      }
      auto group = numericAddress(family.group, config_.mdnsPort);
      Fd fd = mdnsSocket(family.family);
      if (!group || group->family() != family.family || !fd.valid()) {
        problems_.push_back(Error(d::DiscoveryErrc::SourceUnavailable,
                                  "mDNS: no socket for group " + family.group));
        continue;
      }
      bool sentHere = false;
      for (const auto& itf : interfaces) {
        if (family.family == AF_INET ? !itf.v4 : !itf.v6) {
          continue;
        }
        if (sendMdns(fd.get(), family.family, itf.index, *group, *message)) {
          sentHere = true;
        } else {
          problems_.push_back(Error(
              d::DiscoveryErrc::SourceUnavailable,
              "mDNS query on " + itf.name + " to " + family.group + ": " + std::strerror(errno)));
        }
      }
      if (sentHere) {
        sent = true;
        sockets.push_back(std::move(fd));
      }
    }
    const auto deadline = std::chrono::steady_clock::now() + config_.mdnsTimeout;
    Bytes buffer(65536);
    bool done = sockets.empty();
    while (!done) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        break;
      }
      std::vector<pollfd> fds;
      for (const auto& fd : sockets) {
        fds.push_back({fd.get(), POLLIN, 0});
      }
      const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()) + 1);
      if (ready < 0 && errno != EINTR) {
        break;
      }
      for (const auto& p : fds) {
        if (done || (p.revents & POLLIN) == 0) {
          continue;
        }
        const ssize_t n = ::recv(p.fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n <= 0) {
          continue;
        }
        // Untrusted (X3): anyone on the link may answer; only what matches
        // our id and name is taken, and its content is checked by the engine.
        auto parsed = d::parseMdnsResponse(ByteView(buffer.data(), static_cast<std::size_t>(n)), id,
                                           name, type);
        if (!parsed) {
          if (parsed.error() != d::DiscoveryErrc::DnsReplyMismatch) {
            problems_.push_back(std::move(parsed).error().addContext("mDNS answer for " + name));
          }
          continue;
        }
        responses.push_back(std::move(*parsed));
        done = enough && enough(responses.back());
      }
    }
    return std::make_pair(responses, sent);
  };

  std::vector<agent::SourceYield> out;
  std::optional<Error> lastError;
  bool anyAnswer = false;
  bool mdnsSent = false;
  std::vector<std::string> unicastDomains;
  for (const auto& domain : unique) {
    // RFC 6762 §3: names under .local are resolved with mDNS only.
    std::string lowered = domain;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lowered != "local" && !addresses.empty()) {
      unicastDomains.push_back(domain);
    }
  }

  // X4, X5: device-specific TXT, mDNS first ...
  if (config_.mdns) {
    const std::string txtName = d::sztpTxtName(config_.serialNumber, "local");
    auto [responses, sent] = mdnsQuery(txtName, d::kDnsTypeTxt, [](const d::DnsResponse& r) {
      return txtYield(r.txt, "").has_value();
    });
    mdnsSent = mdnsSent || sent;
    for (const auto& response : responses) {
      anyAnswer = true;
      if (auto yield = txtYield(response.txt, "mdns TXT " + txtName)) {
        out.push_back(std::move(*yield));
        break;
      }
    }
  }
  // ... then over unicast DNS, domain by domain.
  for (const auto& domain : unicastDomains) {
    const std::string txtName = d::sztpTxtName(config_.serialNumber, domain);
    auto txt = query(txtName, d::kDnsTypeTxt);
    if (txt.response) {
      anyAnswer = true;
      if (auto yield = txtYield(txt.response->txt, "dns TXT " + txtName)) {
        out.push_back(std::move(*yield));
      }
    } else if (txt.error) {
      lastError = txt.error;
    }
  }

  // X4, X5: then the device-independent SRV, mDNS first ...
  if (config_.mdns) {
    const std::string srvName = d::sztpSrvName("local");
    auto [responses, sent] = mdnsQuery(srvName, d::kDnsTypeSrv, nullptr);
    mdnsSent = mdnsSent || sent;
    std::vector<d::SrvRecord> records;
    std::vector<d::DnsAddress> known;
    for (auto& response : responses) {
      anyAnswer = true;
      for (auto& record : response.srv) {
        if (std::find(records.begin(), records.end(), record) == records.end()) {
          records.push_back(std::move(record));
        }
      }
      known.insert(known.end(), response.addresses.begin(), response.addresses.end());
    }
    agent::SourceYield yield;
    yield.kind = agent::SourceKind::Dns;
    yield.origin = "mdns SRV " + srvName;
    auto lower = [](std::string v) {
      std::transform(v.begin(), v.end(), v.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      return v;
    };
    for (const auto& record : d::orderSrvRecords(records, random)) {
      // X9: the A/AAAA of the target from the answer, when given: a .local
      // name is not resolvable by the resolver the HTTPS client uses. The
      // connection is provisional either way (unsigned redirect, D38).
      std::vector<std::string> hosts;
      for (const auto& address : known) {
        const std::string text = addressText(address.address);
        if (lower(address.name) == lower(record.target) && !isIpv6LinkLocal(address.address) &&
            !text.empty() && std::find(hosts.begin(), hosts.end(), text) == hosts.end()) {
          hosts.push_back(text);
        }
      }
      if (hosts.empty()) {
        hosts.push_back(record.target);
      }
      for (const auto& host : hosts) {
        agent::ServerRef server{host, record.port, std::nullopt};
        if (std::find(yield.servers.begin(), yield.servers.end(), server) == yield.servers.end()) {
          yield.servers.push_back(std::move(server));
        }
      }
    }
    if (!yield.servers.empty()) {
      out.push_back(std::move(yield));
    }
  }
  // ... then over unicast DNS.
  for (const auto& domain : unicastDomains) {
    const std::string srvName = d::sztpSrvName(domain);
    auto srv = query(srvName, d::kDnsTypeSrv);
    if (srv.response) {
      anyAnswer = true;
      auto ordered = d::orderSrvRecords(srv.response->srv, random);
      if (!ordered.empty()) {
        agent::SourceYield yield;
        yield.kind = agent::SourceKind::Dns;
        yield.origin = "dns SRV " + srvName;
        for (const auto& record : ordered) {
          // X9: unsigned redirect information, no anchors.
          yield.servers.push_back({record.target, record.port, std::nullopt});
        }
        out.push_back(std::move(yield));
      }
    } else if (srv.error) {
      lastError = srv.error;
    }
  }
  if (addresses.empty() && !mdnsSent) {
    return problems_.empty() ? Error(d::DiscoveryErrc::SourceUnavailable,
                                     "no usable DNS name server configured and no interface "
                                     "to send mDNS queries on")
                             : problems_.front();
  }
  if (!anyAnswer && lastError) {
    return *lastError;
  }
  return out;
}

}  // namespace sztp::agentio
