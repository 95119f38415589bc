#pragma once

#include <string>
#include <vector>

#include "agent/ports.h"
#include "discovery/lease_files.h"

namespace sztp::agentio {

struct DhcpLeaseConfig {
  /// Prefix for every path below ("/" on a device; a temp dir in tests).
  std::string root = "/";
  /// dhclient-format files (ISC dhclient, NetworkManager's dhclient backend):
  /// directory + file-name pattern (fnmatch).
  std::vector<std::pair<std::string, std::string>> dhclientFiles{
      {"var/lib/dhcp", "dhclient*.leases"},
      {"var/lib/dhclient", "dhclient*.leases"},
      {"var/lib/NetworkManager", "dhclient*.lease"}};
  /// dhcpcd's binary leases: <if>.lease (DHCPACK) and <if>.lease6 (Reply),
  /// also <if>-<ssid>.lease.
  std::vector<std::string> dhcpcdDirs{"var/lib/dhcpcd", "var/db/dhcpcd"};
  /// systemd-networkd KEY=VALUE leases, named by interface index.
  std::vector<std::string> networkdDirs{"run/systemd/netif/leases"};
  /// NetworkManager internal-client leases (same KEY=VALUE format).
  std::vector<std::pair<std::string, std::string>> networkManagerFiles{
      {"var/lib/NetworkManager", "internal-*.lease"}};
  /// Only these interfaces (empty: all).
  std::vector<std::string> interfaces;
  discovery::LeaseOptionNames names;
};

/// One lease as seen, for `ztp status` ("interfaces and the DHCP options seen").
struct SeenLease {
  discovery::Lease lease;
  std::string file;
  std::int64_t sortTime = 0;  ///< obtained, else the file's modification time.
};

/// RFC 8572 §4.3 (X11, X12, X14): the redirect option as recorded by the DHCP
/// clients already running on the device, on all interfaces, newest lease
/// first. One yield of kind Dhcp per lease that carries a valid option
/// (invalid URIs dropped, an option with none discarded, X12), origin like
/// "dhcpv4 eth0 (dhclient lease /var/lib/dhcp/dhclient.eth0.leases)". A
/// server list repeated by an older lease of the same interface and family
/// is yielded once. Unreadable or malformed files are skipped and listed in
/// problems(); discover() itself does not fail.
class DhcpLeaseSource : public agent::SourceProvider {
 public:
  explicit DhcpLeaseSource(DhcpLeaseConfig config);
  agent::SourceKind kind() const override { return agent::SourceKind::Dhcp; }
  Result<std::vector<agent::SourceYield>> discover() override;

  /// Every lease read by the last discover(), newest first.
  const std::vector<SeenLease>& seen() const { return seen_; }
  /// Files skipped by the last discover(), with why.
  const std::vector<Error>& problems() const { return problems_; }
  /// Domain names learned from the leases (newest first), for DnsSource.
  std::vector<std::string> domains() const;

 private:
  void scan();
  DhcpLeaseConfig config_;
  std::vector<SeenLease> seen_;
  std::vector<Error> problems_;
};

}  // namespace sztp::agentio
