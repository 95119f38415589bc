#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "dhcp/dhcp_error.h"

namespace sztp::dhcp {

/// The SZTP redirect options of RFC 8572 §8: DHCPv4 option 143
/// (OPTION_V4_SZTP_REDIRECT) and DHCPv6 option 136 (OPTION_V6_SZTP_REDIRECT).
/// Both carry a bootstrap-server-list: one or more (uri-length: 2 octets,
/// network order; URI: that many octets). No count, no terminator.

inline constexpr std::uint8_t kDhcpv4OptionCode = 143;
inline constexpr std::uint16_t kDhcpv6OptionCode = 136;

/// A URI accepted by the rules of §8.3 (X16): scheme https, an IPv4 literal,
/// a bracketed IPv6 literal or a DNS host name, an optional port 1..65535, and
/// nothing else (no userinfo, path, query or fragment).
struct BootstrapServerUri {
  std::string uri;   ///< As received.
  std::string host;  ///< IPv6 without brackets.
  std::uint16_t port = 443;
  bool operator==(const BootstrapServerUri&) const = default;
};

/// A URI found in the option but ignored, with why (X12: "ignore invalid URIs").
struct RejectedUri {
  std::string uri;  ///< Printable form; non-printable octets escaped as \xNN.
  std::string reason;
  bool operator==(const RejectedUri&) const = default;
};

struct DecodedServerList {
  std::vector<BootstrapServerUri> servers;  ///< Valid URIs, in option order.
  std::vector<RejectedUri> rejected;
};

/// Checks one URI against X16. Returns the parsed form or InvalidUri with the reason.
Result<BootstrapServerUri> parseBootstrapServerUri(std::string_view uri);

/// Decodes a bootstrap-server-list (the option *value*; for DHCPv4 already
/// joined per RFC 3396). Invalid URIs are dropped and listed in `rejected`.
/// Fails with TruncatedList when a length runs past the end, EmptyList for no
/// octets, or NoValidUri when nothing valid remains (X12: the option is then
/// discarded).
Result<DecodedServerList> decodeServerList(ByteView value);

/// Encodes URIs into a bootstrap-server-list value. Every URI is checked with
/// parseBootstrapServerUri first; a server must not hand out what a client
/// would drop. Fails with InvalidUri or ListTooLong (> 65535 octets).
Result<Bytes> encodeServerList(const std::vector<std::string>& uris);

/// A complete DHCPv4 option 143: code, length, value. A value over 255 octets is
/// split into consecutive instances per RFC 3396; a value that fits is never
/// split (X13).
Bytes encodeDhcpv4Option(ByteView value);

/// A complete DHCPv6 option 136: 2-octet code, 2-octet length, value. Fails with
/// ListTooLong for a value over 65535 octets.
Result<Bytes> encodeDhcpv6Option(ByteView value);

/// RFC 3396 join: concatenates the values of every instance of `code`, in
/// order, from a DHCPv4 options area and, when option 52 (overload) says so,
/// from the `file` and then `sname` fields. Pad (0) is skipped, End (255)
/// stops a field. Fails with TruncatedOption on a malformed options area,
/// OptionAbsent when the code does not occur.
Result<Bytes> joinDhcpv4Option(std::uint8_t code, ByteView options, ByteView file = {},
                               ByteView sname = {});

/// Finds the single option 136 in a DHCPv6 options area (one option after
/// another, 2-octet code and length). Fails with TruncatedOption,
/// OptionAbsent, or DuplicateOption (X15: the option is a singleton).
Result<Bytes> findDhcpv6Option(std::uint16_t code, ByteView options);

}  // namespace sztp::dhcp
