#include "agentio/sources/source_dns.h"

#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

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
  if (addresses.empty()) {
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

  std::vector<agent::SourceYield> out;
  std::optional<Error> lastError;
  bool anyAnswer = false;
  for (const auto& domain : unique) {
    // X4: device-specific first.
    const std::string txtName = d::sztpTxtName(config_.serialNumber, domain);
    auto txt = query(txtName, d::kDnsTypeTxt);
    if (txt.response) {
      anyAnswer = true;
      for (const auto& record : txt.response->txt) {
        auto data = d::parseSztpTxt(record);
        if (!data.conveyedInformation) {
          continue;
        }
        agent::SourceYield yield;
        yield.kind = agent::SourceKind::Dns;
        yield.origin = "dns TXT " + txtName;
        yield.data = trust::BootstrappingData{std::move(*data.conveyedInformation),
                                              std::move(data.ownerCertificate),
                                              std::move(data.ownershipVoucher)};
        out.push_back(std::move(yield));
        break;
      }
    } else if (txt.error) {
      lastError = txt.error;
    }
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
  if (!anyAnswer && lastError) {
    return *lastError;
  }
  return out;
}

}  // namespace sztp::agentio
