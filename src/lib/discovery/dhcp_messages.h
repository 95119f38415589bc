#pragma once

// DHCP messages the agent sends to ask for the SZTP redirect option directly
// (issue 4 item 2: "asked for directly on each interface that is up"), and
// the parsers for what comes back. Pure: bytes in, values out.

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/result.h"
#include "discovery/discovery_error.h"

namespace sztp::discovery {

/// A DHCPv4 message is at most this large here (RFC 2131 allows larger with
/// option 57; we advertise 1500 and accept up to 64 KiB from lease files).
inline constexpr std::size_t kMaxDhcpMessageBytes = 65536;

/// What DHCPINFORM needs (RFC 2131 §3.4, §4.4.3).
struct DhcpInformRequest {
  std::uint32_t xid = 0;
  std::array<std::uint8_t, 4> clientAddress{};  ///< ciaddr: the address the interface has.
  Bytes hardwareAddress;                        ///< chaddr, at most 16 octets (Ethernet: 6).
  std::uint8_t hardwareType = 1;                ///< htype (1 = Ethernet).
};

/// A BOOTREQUEST with DHCP message type 8 (DHCPINFORM), ciaddr set, option 55
/// (PRL) asking for subnet mask, router, DNS servers, domain name, domain
/// search and 143 (X12), option 57 (max size 1500), a client identifier
/// (type + chaddr, RFC 2132 §9.14) and End, padded to the 300-octet BOOTP
/// minimum. Fails with DhcpMessageMalformed for a hardware address over 16 octets.
Result<Bytes> buildDhcpInform(const DhcpInformRequest& request);

/// A DHCPv4 message as far as discovery cares.
struct Dhcpv4Message {
  std::uint8_t op = 0;  ///< 1 BOOTREQUEST, 2 BOOTREPLY.
  std::uint32_t xid = 0;
  std::array<std::uint8_t, 4> yiaddr{};
  std::optional<std::uint8_t> messageType;  ///< Option 53.
  /// The joined value of option 143 (RFC 3396, via dhcp::joinDhcpv4Option,
  /// honouring option 52 overload), if present.
  std::optional<Bytes> redirect;
  std::optional<std::string> domainName;  ///< Option 15, for DNS discovery.
};

/// Parses any BOOTP/DHCP message (fixed header, magic cookie, options). Also
/// reads dhcpcd's binary lease files, which are the raw DHCPACK.
Result<Dhcpv4Message> parseDhcpv4Message(ByteView packet);

/// Accepts `packet` only as the DHCPACK to our DHCPINFORM: BOOTREPLY, same
/// xid, message type 5. Otherwise DhcpReplyMismatch (a different transaction:
/// the caller keeps waiting) or DhcpMessageMalformed.
Result<Dhcpv4Message> parseDhcpInformReply(ByteView packet, std::uint32_t xid);

/// DUID-LL (RFC 8415 §11.4): type 3, hardware type, link-layer address.
Bytes makeDuidLl(ByteView linkLayerAddress, std::uint16_t hardwareType = 1);
/// DUID-LLT (RFC 8415 §11.2): type 1, hardware type, time (seconds since
/// 2000-01-01 UTC, mod 2^32), link-layer address.
Bytes makeDuidLlt(ByteView linkLayerAddress, std::uint32_t time, std::uint16_t hardwareType = 1);

/// What an Information-Request needs (RFC 8415 §18.2.6).
struct Dhcpv6InformationRequest {
  std::uint32_t transactionId = 0;      ///< Low 24 bits used.
  Bytes clientDuid;                     ///< Option 1 (client identifier).
  std::uint16_t elapsedHundredths = 0;  ///< Option 8, in 1/100 s since the first attempt.
};

/// msg-type 11, transaction id, Client Identifier (1), ORO (6) asking for
/// DNS servers (23), domain list (24) and 136 (X14), Elapsed Time (8).
/// Fails with DhcpMessageMalformed for an empty or over-long (>128) DUID.
Result<Bytes> buildDhcpv6InformationRequest(const Dhcpv6InformationRequest& request);

struct Dhcpv6Message {
  std::uint8_t messageType = 0;  ///< 7 = Reply.
  std::uint32_t transactionId = 0;
  std::optional<Bytes> clientId;  ///< Option 1.
  std::optional<Bytes> serverId;  ///< Option 2.
  /// The value of option 136 (found with dhcp::findDhcpv6Option: a second
  /// instance makes the message malformed, X15).
  std::optional<Bytes> redirect;
  std::optional<std::uint16_t> statusCode;  ///< Option 13, top-level only.
};

/// Parses a client/server DHCPv6 message (not relay messages). Also reads
/// dhcpcd's binary .lease6 files (the raw Reply).
Result<Dhcpv6Message> parseDhcpv6Message(ByteView packet);

/// Accepts `packet` only as the Reply to our Information-Request: type 7,
/// same transaction id, a Server Identifier, and a Client Identifier equal to
/// ours (RFC 8415 §16.10). Otherwise DhcpReplyMismatch or DhcpMessageMalformed.
Result<Dhcpv6Message> parseDhcpv6Reply(ByteView packet, std::uint32_t transactionId,
                                       ByteView clientDuid);

}  // namespace sztp::discovery
