#include "agentio/sources/source_dhcp_lease.h"

#include <fnmatch.h>
#include <net/if.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "agentio/sources/source_files.h"
#include "dhcp/sztp_redirect_option.h"

namespace sztp::agentio {
namespace {

namespace fs = std::filesystem;
using discovery::IpFamily;
using discovery::Lease;

// Regular files of `dir` whose name matches `pattern`, sorted by name.
std::vector<fs::path> matching(const std::string& dir, const std::string& pattern) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code typeEc;
    if (!it->is_regular_file(typeEc)) {
      continue;
    }
    const std::string name = it->path().filename().string();
    if (::fnmatch(pattern.c_str(), name.c_str(), 0) == 0) {
      out.push_back(it->path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::int64_t mtimeSeconds(const fs::path& path) {
  std::error_code ec;
  const auto t = fs::last_write_time(path, ec);
  if (ec) {
    return 0;
  }
  const auto sys = std::chrono::file_clock::to_sys(t);
  return std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count();
}

}  // namespace

DhcpLeaseSource::DhcpLeaseSource(DhcpLeaseConfig config) : config_(std::move(config)) {}

void DhcpLeaseSource::scan() {
  seen_.clear();
  problems_.clear();
  auto add = [&](Lease lease, const fs::path& file) {
    if (!config_.interfaces.empty() &&
        std::find(config_.interfaces.begin(), config_.interfaces.end(), lease.interfaceName) ==
            config_.interfaces.end()) {
      return;
    }
    SeenLease seen;
    seen.sortTime = lease.obtained.value_or(mtimeSeconds(file));
    seen.lease = std::move(lease);
    seen.file = file.string();
    seen_.push_back(std::move(seen));
  };
  auto problem = [&](Error error, const fs::path& file) {
    error.addContext(file.string());
    problems_.push_back(std::move(error));
  };
  auto readText = [&](const fs::path& file) -> std::optional<std::string> {
    auto content = readFileCapped(file.string(), discovery::kMaxLeaseFileBytes);
    if (!content) {
      problem(Error(discovery::DiscoveryErrc::SourceUnavailable, "cannot read"), file);
      return std::nullopt;
    }
    if (content->size() > discovery::kMaxLeaseFileBytes) {
      problem(Error(discovery::DiscoveryErrc::InputTooLarge, "lease file"), file);
      return std::nullopt;
    }
    return toString(*content);
  };

  for (const auto& [dir, pattern] : config_.dhclientFiles) {
    for (const auto& file : matching(underRoot(config_.root, dir), pattern)) {
      auto text = readText(file);
      if (!text) {
        continue;
      }
      auto leases = discovery::parseDhclientLeases(*text, config_.names);
      if (!leases) {
        problem(std::move(leases).error(), file);
        continue;
      }
      // The file order breaks ties: dhclient appends, so later is newer.
      for (auto& lease : *leases) {
        add(std::move(lease), file);
      }
    }
  }
  for (const auto& dir : config_.dhcpcdDirs) {
    for (const auto& [pattern, family] :
         {std::pair{"*.lease", IpFamily::V4}, std::pair{"*.lease6", IpFamily::V6}}) {
      for (const auto& file : matching(underRoot(config_.root, dir), pattern)) {
        auto content = readFileCapped(file.string(), discovery::kMaxLeaseFileBytes);
        if (!content) {
          problem(Error(discovery::DiscoveryErrc::SourceUnavailable, "cannot read"), file);
          continue;
        }
        // "<if>.lease" or "<if>-<ssid>.lease": the interface is up to the first '-'.
        std::string ifname = file.stem().string();
        ifname = ifname.substr(0, ifname.find('-'));
        auto lease = discovery::parseDhcpcdLeaseFile(*content, ifname, family);
        if (!lease) {
          problem(std::move(lease).error(), file);
          continue;
        }
        add(std::move(*lease), file);
      }
    }
  }
  auto keyValue = [&](const fs::path& file, const std::string& ifname, bool networkManager) {
    auto text = readText(file);
    if (!text) {
      return;
    }
    auto lease = discovery::parseNetworkdLease(*text, ifname, config_.names);
    if (!lease) {
      problem(std::move(lease).error(), file);
      return;
    }
    if (networkManager) {
      lease->client = discovery::LeaseClient::NetworkManager;
    }
    add(std::move(*lease), file);
  };
  for (const auto& dir : config_.networkdDirs) {
    for (const auto& file : matching(underRoot(config_.root, dir), "[0-9]*")) {
      // Named by interface index; the name is the kernel's, when it still exists.
      const std::string index = file.filename().string();
      char name[IF_NAMESIZE] = {};
      const unsigned long number = std::strtoul(index.c_str(), nullptr, 10);
      const bool known = number > 0 && number < 1u << 31 &&
                         ::if_indextoname(static_cast<unsigned>(number), name) != nullptr;
      keyValue(file, known ? std::string(name) : "ifindex " + index, false);
    }
  }
  for (const auto& [dir, pattern] : config_.networkManagerFiles) {
    for (const auto& file : matching(underRoot(config_.root, dir), pattern)) {
      // internal-<connection uuid>-<if>.lease
      std::string stem = file.stem().string();
      const std::size_t dash = stem.rfind('-');
      keyValue(file, dash == std::string::npos ? "" : stem.substr(dash + 1), true);
    }
  }
  std::stable_sort(seen_.begin(), seen_.end(),
                   [](const SeenLease& a, const SeenLease& b) { return a.sortTime > b.sortTime; });
}

Result<std::vector<agent::SourceYield>> DhcpLeaseSource::discover() {
  scan();
  std::vector<agent::SourceYield> out;
  for (const auto& seen : seen_) {
    const Lease& lease = seen.lease;
    if (!lease.redirect) {
      continue;
    }
    auto decoded = dhcp::decodeServerList(*lease.redirect);
    if (!decoded) {
      Error error = std::move(decoded).error();
      error.addContext(seen.file);
      problems_.push_back(std::move(error));
      continue;
    }
    agent::SourceYield yield;
    yield.kind = agent::SourceKind::Dhcp;
    const std::string family = lease.family == IpFamily::V4 ? "dhcpv4" : "dhcpv6";
    yield.origin = family + " " + (lease.interfaceName.empty() ? "?" : lease.interfaceName) + " (" +
                   std::string(discovery::leaseClientName(lease.client)) + " lease " + seen.file +
                   ")";
    for (const auto& server : decoded->servers) {
      // X11: DHCP carries no trust anchors; the servers are provisional.
      yield.servers.push_back({server.host, server.port, std::nullopt});
    }
    const bool repeated = std::any_of(out.begin(), out.end(), [&](const auto& earlier) {
      return earlier.servers == yield.servers &&
             earlier.origin.substr(0, earlier.origin.find(" (")) ==
                 yield.origin.substr(0, yield.origin.find(" ("));
    });
    if (!repeated) {
      out.push_back(std::move(yield));
    }
  }
  return out;
}

std::vector<std::string> DhcpLeaseSource::domains() const {
  std::vector<std::string> out;
  for (const auto& seen : seen_) {
    if (seen.lease.domainName &&
        std::find(out.begin(), out.end(), *seen.lease.domainName) == out.end()) {
      out.push_back(*seen.lease.domainName);
    }
  }
  return out;
}

}  // namespace sztp::agentio
