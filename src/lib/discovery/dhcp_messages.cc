#include "discovery/dhcp_messages.h"

#include <algorithm>
#include <string>

#include "dhcp/sztp_redirect_option.h"

namespace sztp::discovery {
namespace {

// RFC 2131 §2: op(1) htype(1) hlen(1) hops(1) xid(4) secs(2) flags(2)
// ciaddr yiaddr siaddr giaddr (4 each) chaddr(16) sname(64) file(128), then
// the magic cookie 99.130.83.99 (RFC 2132 §2) and the options.
constexpr std::size_t kSnameOffset = 44;
constexpr std::size_t kFileOffset = 108;
constexpr std::size_t kCookieOffset = 236;
constexpr std::size_t kOptionsOffset = 240;
constexpr std::array<std::uint8_t, 4> kCookie{99, 130, 83, 99};
constexpr std::size_t kBootpMinimum = 300;

constexpr std::uint8_t kDhcpAck = 5;
constexpr std::uint8_t kDhcpInform = 8;
constexpr std::uint8_t kDhcpv6Reply = 7;
constexpr std::uint8_t kDhcpv6InformationRequest = 11;

void put16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

void put32(Bytes& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v));
}

std::uint16_t get16(ByteView b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

std::uint32_t get32(ByteView b, std::size_t at) {
  return (std::uint32_t{get16(b, at)} << 16) | get16(b, at + 2);
}

Error malformed(std::string_view what) {
  return Error(DiscoveryErrc::DhcpMessageMalformed, what);
}

// One DHCPv4 option, joined (RFC 3396) across the options, file and sname
// fields; nullopt when absent; an error when the areas are malformed.
Result<std::optional<Bytes>> v4Option(std::uint8_t code, ByteView options, ByteView file,
                                      ByteView sname) {
  auto joined = dhcp::joinDhcpv4Option(code, options, file, sname);
  if (joined) {
    return std::optional<Bytes>(std::move(*joined));
  }
  if (joined.error() == dhcp::DhcpErrc::OptionAbsent) {
    return std::optional<Bytes>();
  }
  return malformed("DHCPv4 options area: " + joined.error().describe());
}

}  // namespace

Result<Bytes> buildDhcpInform(const DhcpInformRequest& request) {
  if (request.hardwareAddress.size() > 16) {
    return malformed("hardware address longer than 16 octets");
  }
  Bytes out;
  out.reserve(kBootpMinimum);
  out.push_back(1);  // BOOTREQUEST
  out.push_back(request.hardwareType);
  out.push_back(static_cast<std::uint8_t>(request.hardwareAddress.size()));
  out.push_back(0);  // hops
  put32(out, request.xid);
  put16(out, 0);  // secs
  put16(out, 0);  // flags: no broadcast; the ACK is unicast to ciaddr (RFC 2131 §4.4.3)
  out.insert(out.end(), request.clientAddress.begin(), request.clientAddress.end());  // ciaddr
  out.resize(out.size() + 12, 0);  // yiaddr, siaddr, giaddr are zero
  Bytes chaddr = request.hardwareAddress;
  chaddr.resize(16, 0);
  out.insert(out.end(), chaddr.begin(), chaddr.end());
  out.resize(kCookieOffset, 0);  // sname, file
  out.insert(out.end(), kCookie.begin(), kCookie.end());
  // RFC 2131 §4.4.3: DHCPINFORM carries no requested address and no server id.
  out.insert(out.end(), {53, 1, kDhcpInform});
  // X12: ask for 143 in the Parameter Request List; 15 and 119 feed DNS discovery.
  out.insert(out.end(), {55, 6, 1, 3, 6, 15, 119, dhcp::kDhcpv4OptionCode});
  out.insert(out.end(), {57, 2, 0x05, 0xdc});  // Maximum DHCP Message Size 1500
  out.push_back(61);                           // Client identifier: htype + chaddr
  out.push_back(static_cast<std::uint8_t>(1 + request.hardwareAddress.size()));
  out.push_back(request.hardwareType);
  out.insert(out.end(), request.hardwareAddress.begin(), request.hardwareAddress.end());
  out.push_back(255);
  if (out.size() < kBootpMinimum) {
    out.resize(kBootpMinimum, 0);  // Pad (RFC 1542 §2.1: some relays drop shorter messages)
  }
  return out;
}

Result<Dhcpv4Message> parseDhcpv4Message(ByteView packet) {
  if (packet.size() > kMaxDhcpMessageBytes) {
    return Error(DiscoveryErrc::InputTooLarge,
                 "DHCPv4 message of " + std::to_string(packet.size()) + " octets");
  }
  if (packet.size() < kOptionsOffset) {
    return malformed("DHCPv4 message of " + std::to_string(packet.size()) +
                     " octets is shorter than the fixed header and cookie (240)");
  }
  if (!std::equal(kCookie.begin(), kCookie.end(), packet.begin() + kCookieOffset)) {
    return malformed("DHCPv4 message lacks the magic cookie 99.130.83.99");
  }
  Dhcpv4Message message;
  message.op = packet[0];
  if (message.op != 1 && message.op != 2) {
    return malformed("BOOTP op is " + std::to_string(message.op));
  }
  message.xid = get32(packet, 4);
  std::copy_n(packet.begin() + 16, 4, message.yiaddr.begin());
  const ByteView options = packet.subspan(kOptionsOffset);
  const ByteView sname = packet.subspan(kSnameOffset, 64);
  const ByteView file = packet.subspan(kFileOffset, 128);

  auto type = v4Option(53, options, file, sname);
  if (!type) {
    return std::move(type).error();
  }
  if (*type) {
    if ((*type)->size() != 1) {
      return malformed("option 53 (message type) is not one octet");
    }
    message.messageType = (**type)[0];
  }
  auto redirect = v4Option(dhcp::kDhcpv4OptionCode, options, file, sname);
  if (!redirect) {
    return std::move(redirect).error();
  }
  message.redirect = std::move(*redirect);
  auto domain = v4Option(15, options, file, sname);
  if (!domain) {
    return std::move(domain).error();
  }
  if (*domain) {
    std::string name = toString(**domain);
    // Some servers NUL-terminate option 15 (RFC 2132 §3.17 says not to).
    while (!name.empty() && name.back() == '\0') {
      name.pop_back();
    }
    message.domainName = std::move(name);
  }
  return message;
}

Result<Dhcpv4Message> parseDhcpInformReply(ByteView packet, std::uint32_t xid) {
  auto message = parseDhcpv4Message(packet);
  if (!message) {
    return message;
  }
  if (message->op != 2 || message->xid != xid) {
    return Error(DiscoveryErrc::DhcpReplyMismatch, "not a BOOTREPLY with our xid");
  }
  if (message->messageType != kDhcpAck) {
    return Error(DiscoveryErrc::DhcpReplyMismatch,
                 "DHCP message type " +
                     std::to_string(message->messageType ? int{*message->messageType} : 0) +
                     " is not DHCPACK (5)");
  }
  return message;
}

Bytes makeDuidLl(ByteView linkLayerAddress, std::uint16_t hardwareType) {
  Bytes duid;
  put16(duid, 3);
  put16(duid, hardwareType);
  duid.insert(duid.end(), linkLayerAddress.begin(), linkLayerAddress.end());
  return duid;
}

Bytes makeDuidLlt(ByteView linkLayerAddress, std::uint32_t time, std::uint16_t hardwareType) {
  Bytes duid;
  put16(duid, 1);
  put16(duid, hardwareType);
  put32(duid, time);
  duid.insert(duid.end(), linkLayerAddress.begin(), linkLayerAddress.end());
  return duid;
}

Result<Bytes> buildDhcpv6InformationRequest(const Dhcpv6InformationRequest& request) {
  // RFC 8415 §11.1: a DUID is at most 128 octets (plus the 2-octet type).
  if (request.clientDuid.size() < 3 || request.clientDuid.size() > 130) {
    return malformed("client DUID must be 3..130 octets");
  }
  Bytes out;
  out.push_back(kDhcpv6InformationRequest);
  out.push_back(static_cast<std::uint8_t>(request.transactionId >> 16));
  out.push_back(static_cast<std::uint8_t>(request.transactionId >> 8));
  out.push_back(static_cast<std::uint8_t>(request.transactionId));
  put16(out, 1);  // OPTION_CLIENTID (RFC 8415 §18.2.6: "SHOULD include")
  put16(out, static_cast<std::uint16_t>(request.clientDuid.size()));
  out.insert(out.end(), request.clientDuid.begin(), request.clientDuid.end());
  put16(out, 6);  // OPTION_ORO (§21.7), X14: 136 requested
  put16(out, 6);
  put16(out, 23);  // DNS recursive name servers (RFC 3646)
  put16(out, 24);  // domain search list (RFC 3646)
  put16(out, dhcp::kDhcpv6OptionCode);
  put16(out, 8);  // OPTION_ELAPSED_TIME (§21.9), mandatory in every client message
  put16(out, 2);
  put16(out, request.elapsedHundredths);
  return out;
}

Result<Dhcpv6Message> parseDhcpv6Message(ByteView packet) {
  if (packet.size() > kMaxDhcpMessageBytes) {
    return Error(DiscoveryErrc::InputTooLarge,
                 "DHCPv6 message of " + std::to_string(packet.size()) + " octets");
  }
  if (packet.size() < 4) {
    return malformed("DHCPv6 message shorter than its 4-octet header");
  }
  Dhcpv6Message message;
  message.messageType = packet[0];
  if (message.messageType == 12 || message.messageType == 13) {
    return malformed("DHCPv6 relay message");
  }
  message.transactionId = get32(packet, 0) & 0xffffffu;
  const ByteView options = packet.subspan(4);
  for (std::size_t at = 0; at < options.size();) {
    if (options.size() - at < 4) {
      return malformed("DHCPv6 option header past the end");
    }
    const std::uint16_t code = get16(options, at);
    const std::uint16_t length = get16(options, at + 2);
    if (options.size() - at - 4 < length) {
      return malformed("DHCPv6 option " + std::to_string(code) + " runs past the end");
    }
    const ByteView value = options.subspan(at + 4, length);
    if (code == 1 && !message.clientId) {
      message.clientId = Bytes(value.begin(), value.end());
    } else if (code == 2 && !message.serverId) {
      message.serverId = Bytes(value.begin(), value.end());
    } else if (code == 13 && length >= 2 && !message.statusCode) {
      message.statusCode = get16(value, 0);
    }
    at += 4 + length;
  }
  auto redirect = dhcp::findDhcpv6Option(dhcp::kDhcpv6OptionCode, options);
  if (redirect) {
    message.redirect = std::move(*redirect);
  } else if (redirect.error() != dhcp::DhcpErrc::OptionAbsent) {
    return malformed("DHCPv6 option 136: " + redirect.error().describe());
  }
  return message;
}

Result<Dhcpv6Message> parseDhcpv6Reply(ByteView packet, std::uint32_t transactionId,
                                       ByteView clientDuid) {
  auto message = parseDhcpv6Message(packet);
  if (!message) {
    return message;
  }
  if (message->messageType != kDhcpv6Reply ||
      message->transactionId != (transactionId & 0xffffffu)) {
    return Error(DiscoveryErrc::DhcpReplyMismatch, "not a Reply with our transaction id");
  }
  if (!message->serverId) {
    return Error(DiscoveryErrc::DhcpReplyMismatch, "Reply without a Server Identifier");
  }
  // RFC 8415 §16.10: discard a Reply whose Client Identifier differs from ours.
  if (message->clientId && !std::equal(message->clientId->begin(), message->clientId->end(),
                                       clientDuid.begin(), clientDuid.end())) {
    return Error(DiscoveryErrc::DhcpReplyMismatch, "Reply for another client identifier");
  }
  return message;
}

}  // namespace sztp::discovery
