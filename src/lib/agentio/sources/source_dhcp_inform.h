#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "agent/ports.h"

namespace sztp::agentio {

struct DhcpInformConfig {
  /// Interfaces to ask on (empty: every interface that is up, not loopback,
  /// and has an address of the family).
  std::vector<std::string> interfaces;
  bool v4 = true;
  bool v6 = true;
  std::chrono::milliseconds timeout{2000};  ///< Per attempt.
  int attempts = 2;                         ///< Per interface and family.
  /// Random octets for transaction ids (Platform::randomBytes). Required.
  std::function<Bytes(std::size_t)> randomBytes;
  /// Where requests go; the defaults are the protocol's. Tests point them at
  /// a responder on loopback.
  std::string v4Server = "255.255.255.255";
  std::uint16_t v4ServerPort = 67;
  std::uint16_t v4ClientPort = 68;
  std::string v6Server = "ff02::1:2";  ///< All_DHCP_Relay_Agents_and_Servers.
  std::uint16_t v6ServerPort = 547;
  std::uint16_t v6ClientPort = 546;
  bool includeLoopback = false;
};

/// Issue 4 item 2 "asked for directly on each interface that is up": a
/// DHCPINFORM (RFC 2131 §3.4, PRL with 143, X12) and a DHCPv6
/// Information-Request (RFC 8415 §18.2.6, ORO with 136, X14) on each
/// interface, each socket bound to its interface (SO_BINDTODEVICE, needs
/// CAP_NET_RAW) and to the client port (68 / 546), bounded by timeout ×
/// attempts. One yield of kind Dhcp per answer carrying a valid option,
/// origin like "dhcpv4 eth0 (DHCPINFORM)". No answer is not an error (there
/// may be no DHCP server); discover() fails only when no request could be
/// sent at all. Where a DHCP client already holds port 68/546 without
/// SO_REUSEADDR the bind fails and that interface is listed in problems().
class DhcpInformSource : public agent::SourceProvider {
 public:
  explicit DhcpInformSource(DhcpInformConfig config);
  agent::SourceKind kind() const override { return agent::SourceKind::Dhcp; }
  Result<std::vector<agent::SourceYield>> discover() override;

  const std::vector<Error>& problems() const { return problems_; }
  /// Domain names (DHCPv4 option 15) from the answers of the last discover().
  const std::vector<std::string>& domains() const { return domains_; }

 private:
  DhcpInformConfig config_;
  std::vector<Error> problems_;
  std::vector<std::string> domains_;
};

}  // namespace sztp::agentio
