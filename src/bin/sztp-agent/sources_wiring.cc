#include "sources_wiring.h"

#include "agentio/sources/source_dhcp_inform.h"
#include "agentio/sources/source_dhcp_lease.h"
#include "agentio/sources/source_dns.h"
#include "agentio/sources/source_removable_storage.h"
#include "agentio/sources/source_url.h"
#include "agentio/sources/source_well_known.h"
#include "crypto/digest.h"

namespace sztp::agentd {
namespace {

std::uint32_t randomBelow(std::uint32_t n) {
  if (n == 0) {
    return 0;
  }
  const Bytes bytes = crypto::randomBytes(4);
  std::uint32_t value = 0;
  for (auto b : bytes) {
    value = (value << 8) | b;
  }
  return value % n;
}

}  // namespace

Result<std::vector<std::unique_ptr<agent::SourceProvider>>> buildSources(
    const AgentConfig& config, const agent::DeviceIdentity& identity) {
  const auto& src = config.sources;
  std::vector<std::unique_ptr<agent::SourceProvider>> sources;
  agentio::DhcpLeaseSource* leases = nullptr;
  for (const auto& kind : src.order) {
    if (kind == "removable-storage") {
      agentio::RemovableStorageConfig storage;
      for (const auto& path : src.removableStoragePaths) {
        storage.roots.push_back(path.string());
      }
      storage.serialNumber = identity.serialNumber;
      sources.push_back(std::make_unique<agentio::RemovableStorageSource>(std::move(storage)));
    } else if (kind == "dhcp") {
      agentio::DhcpLeaseConfig leaseConfig;
      if (!src.dhcpLeaseDirectories.empty()) {
        // Explicit folders replace the clients' defaults; every client's file
        // names are looked for in each.
        leaseConfig.dhclientFiles.clear();
        leaseConfig.dhcpcdDirs.clear();
        leaseConfig.networkdDirs.clear();
        leaseConfig.networkManagerFiles.clear();
        for (const auto& dir : src.dhcpLeaseDirectories) {
          const std::string d = dir.string();
          leaseConfig.dhclientFiles.emplace_back(d, "dhclient*.lease*");
          leaseConfig.dhcpcdDirs.push_back(d);
          leaseConfig.networkManagerFiles.emplace_back(d, "internal-*.lease");
        }
      }
      leaseConfig.interfaces = src.dhcpInterfaces;
      auto leaseSource = std::make_unique<agentio::DhcpLeaseSource>(std::move(leaseConfig));
      leases = leaseSource.get();
      sources.push_back(std::move(leaseSource));
      if (src.dhcpInform) {
        agentio::DhcpInformConfig inform;
        inform.interfaces = src.dhcpInterfaces;
        inform.timeout = src.dhcpInformTimeout;
        inform.randomBytes = [](std::size_t n) { return crypto::randomBytes(n); };
        sources.push_back(std::make_unique<agentio::DhcpInformSource>(std::move(inform)));
      }
    } else if (kind == "dns") {
      agentio::DnsConfig dns;
      dns.serialNumber = identity.serialNumber;
      dns.domains = src.dnsDomains;
      dns.nameservers = src.dnsNameservers;
      dns.resolvConf = src.resolvConf.string();
      dns.port = src.dnsPort;
      dns.mdns = src.mdns;
      dns.mdnsTimeout = src.mdnsTimeout;
      dns.mdnsInterfaces = src.mdnsInterfaces;
      dns.mdnsV4 = src.mdnsV4;
      dns.mdnsV6 = src.mdnsV6;
      dns.random = randomBelow;
      if (leases != nullptr) {
        dns.moreDomains = [leases] { return leases->domains(); };
      }
      sources.push_back(std::make_unique<agentio::DnsSource>(std::move(dns)));
    } else if (kind == "well-known") {
      // One source per server: each is authenticated by its own anchor (D7).
      for (const auto& server : src.wellKnown) {
        agentio::WellKnownConfig wellKnown;
        wellKnown.servers.push_back({server.host, server.port});
        wellKnown.anchorFiles.push_back(server.trustAnchor.string());
        sources.push_back(std::make_unique<agentio::WellKnownSource>(std::move(wellKnown)));
      }
    } else if (kind == "url") {
      for (const auto& url : src.bootstrapUrls) {
        if (auto ok = agentio::UrlSource::validate(url); !ok) {
          return std::move(ok).error().addContext("sources.bootstrap-urls / --bootstrap-url");
        }
      }
      if (!src.bootstrapUrls.empty()) {
        sources.push_back(std::make_unique<agentio::UrlSource>(src.bootstrapUrls));
      }
    }
  }
  return sources;
}

}  // namespace sztp::agentd
