#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::discovery {

/// Why a discovery source (RFC 8572 §4: removable storage, DHCP, DNS) gave
/// nothing usable. The parsers of this library return these for malformed
/// input; the I/O side (agentio/sources) returns them for what it met on the
/// device. The Error detail names the file, interface or DNS name.
enum class DiscoveryErrc {
  /// Input is larger than the parser accepts (lease file, packet, storage file).
  InputTooLarge = 1,
  /// A DHCP client's lease file or status dump cannot be parsed.
  LeaseMalformed,
  /// A DHCPv4/DHCPv6 message is malformed (short header, option past the end, bad cookie).
  DhcpMessageMalformed,
  /// A DHCP message is well-formed but not the answer to our request (type, xid, client id).
  DhcpReplyMismatch,
  /// A DNS message is malformed (bad name, compression loop, record past the end).
  DnsMessageMalformed,
  /// A DNS message is not the answer to our query (id, question).
  DnsReplyMismatch,
  /// The DNS server answered with an error rcode other than NXDOMAIN.
  DnsServerError,
  /// A DNS name to query is not valid (label over 63 octets, name over 255).
  DnsNameInvalid,
  /// Removable storage holds only one of owner certificate and voucher beside the conveyed
  /// information (signed data needs both, D22).
  StorageIncomplete,
  /// No answer arrived in time (DHCPINFORM, Information-Request, DNS).
  Timeout,
  /// A socket, interface or file the source needs is unavailable.
  SourceUnavailable,
};

const ReasonCategory& discoveryCategory() noexcept;

inline std::error_code make_error_code(DiscoveryErrc e) noexcept {
  return {static_cast<int>(e), discoveryCategory()};
}

}  // namespace sztp::discovery

template <>
struct std::is_error_code_enum<sztp::discovery::DiscoveryErrc> : std::true_type {};
