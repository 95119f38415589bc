#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agent/ports.h"

namespace sztp::agentio {

struct DnsConfig {
  /// The device serial number (X6: must equal the IDevID's).
  std::string serialNumber;
  /// Domains to query, in order. Empty: `search` then `domain` of resolvConf.
  std::vector<std::string> domains;
  /// Name servers (IP literals). Empty: `nameserver` lines of resolvConf.
  std::vector<std::string> nameservers;
  std::string resolvConf = "/etc/resolv.conf";
  std::uint16_t port = 53;
  std::chrono::milliseconds timeout{2000};  ///< Per query and server.
  int attempts = 2;                         ///< UDP tries per server.
  /// Returns a value in [0, n): SRV weights (RFC 2782) and query ids.
  std::function<std::uint32_t(std::uint32_t)> random;
  /// Extra domains known at run time (e.g. DhcpLeaseSource::domains()),
  /// asked after `domains`.
  std::function<std::vector<std::string>()> moreDomains;
};

/// RFC 8572 §4.2 (X3–X10) over unicast DNS: for each domain, first the
/// device-specific TXT `<serial>._sztp.<domain>` (X6; ci/oc/ov, X8) as a
/// yield of kind Dns with `data`, then the device-independent SRV
/// `_sztp._tcp.<domain>` (X7) as a yield with `servers` in RFC 2782 order
/// (X9). Queries go over UDP and are repeated over TCP when the answer is
/// truncated (X10). The first server that answers decides (NXDOMAIN
/// included); a server that does not answer, or answers with an error, makes
/// the next one be asked. mDNS (X5) is not implemented.
/// Fails only when no name server is configured or none answered at all.
class DnsSource : public agent::SourceProvider {
 public:
  explicit DnsSource(DnsConfig config);
  agent::SourceKind kind() const override { return agent::SourceKind::Dns; }
  Result<std::vector<agent::SourceYield>> discover() override;

 private:
  DnsConfig config_;
};

/// `search`/`domain`/`nameserver` of a resolv.conf text (resolv.conf(5)).
struct ResolvConf {
  std::vector<std::string> nameservers;
  std::vector<std::string> search;
};
ResolvConf parseResolvConf(std::string_view text);

}  // namespace sztp::agentio
