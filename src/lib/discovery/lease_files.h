#pragma once

// The lease files and status dumps of the usual Linux DHCP clients, read for
// the SZTP redirect option (DHCPv4 143, DHCPv6 136; RFC 8572 §8) so that a
// device whose DHCP client already asked for it finds its bootstrap servers
// without sending anything (issue 4 item 2: "all interfaces, newest lease
// first"). Pure: text or bytes in, leases out; the caller reads the files
// (agentio/sources/source_dhcp_lease.h).
//
// Formats, as found in the clients' sources:
// - ISC dhclient (/var/lib/dhcp/dhclient*.leases): `lease { ... }` and
//   `lease6 { ... }` blocks of `;`-terminated statements; an undeclared option
//   is written `option unknown-143 0:15:68:...;` (each octet "%x", colon
//   separated) or as a quoted string with \ooo escapes when every octet is
//   printable; a declared one (`option sztp-redirect code 143 = string;`) is
//   written under its name. Times: `renew W YYYY/MM/DD HH:MM:SS;` (UTC) or
//   `renew epoch N;` (db-time-format local). NetworkManager's dhclient
//   backend writes the same format (/var/lib/NetworkManager/dhclient-*.lease).
// - dhcpcd: `dhcpcd -U <if>` prints `key='value'` lines (options it has a
//   `define` for, e.g. `define 143 binhex sztp_redirect`), and its lease
//   files (/var/lib/dhcpcd/<if>.lease, .lease6) are the raw DHCPACK / Reply.
// - systemd-networkd (/run/systemd/netif/leases/<ifindex>): KEY=VALUE lines;
//   raw options are saved as OPTION_<code>=<hex>. Note: networkd keeps only
//   the private-use options 224–254 (sd-dhcp-lease.c dhcp_lease_parse_options,
//   "SD_DHCP_OPTION_PRIVATE_BASE ... SD_DHCP_OPTION_PRIVATE_LAST"), so its
//   leases normally carry no 143; DhcpInformSource covers such devices.
//   Newer networkd writes a JSON lease ("Private_Options"), not read here.
// - NetworkManager: `nmcli -t -f GENERAL.DEVICE,DHCP4,DHCP6 device show`
//   prints `DHCP4.OPTION[n]:name = value` lines, with `expiry` (Unix time) and
//   `dhcp_lease_time`; the redirect appears under a configured name.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "dhcp/sztp_redirect_option.h"
#include "discovery/discovery_error.h"

namespace sztp::discovery {

/// Lease files and dumps larger than this are refused (InputTooLarge).
inline constexpr std::size_t kMaxLeaseFileBytes = 1024 * 1024;

enum class IpFamily { V4, V6 };
enum class LeaseClient { Dhclient, Dhcpcd, Networkd, NetworkManager };

std::string_view leaseClientName(LeaseClient client) noexcept;

struct Lease {
  LeaseClient client = LeaseClient::Dhclient;
  std::string interfaceName;  ///< Empty when the format does not say.
  IpFamily family = IpFamily::V4;
  /// When the lease was obtained (Unix seconds), as well as the format tells:
  /// expiry minus lease time, else the renew time, else the start time.
  /// nullopt: the caller falls back to the file's modification time.
  std::optional<std::int64_t> obtained;
  /// The option 143/136 value (the bootstrap-server-list, RFC 3396-joined for
  /// DHCPv4), undecoded; decode with dhcp::decodeServerList.
  std::optional<Bytes> redirect;
  /// The DHCP domain name (v4 option 15, or the first of the search list), for DNS discovery.
  std::optional<std::string> domainName;
};

/// Names under which each client may record the redirect option. The
/// defaults cover the undeclared forms and the names our documentation tells
/// operators to declare.
struct LeaseOptionNames {
  std::vector<std::string> dhclientV4{"unknown-143", "sztp-redirect", "v4-sztp-redirect"};
  std::vector<std::string> dhclientV6{"dhcp6.unknown-136", "dhcp6.sztp-redirect",
                                      "dhcp6.v6-sztp-redirect"};
  std::vector<std::string> keyValueV4{"sztp_redirect", "unknown_143", "option_143", "private_143"};
  std::vector<std::string> keyValueV6{"dhcp6_sztp_redirect", "sztp_redirect6", "unknown_136",
                                      "option_136", "dhcp6_unknown_136"};
};

/// Every lease and lease6 block of a dhclient lease file, in file order
/// (dhclient appends, so later blocks are newer).
Result<std::vector<Lease>> parseDhclientLeases(std::string_view text,
                                               const LeaseOptionNames& names = {});

/// `dhcpcd -U <if>` output (also the `new_`-prefixed environment of hooks).
Result<Lease> parseDhcpcdDump(std::string_view text, std::string_view interfaceName,
                              IpFamily family, const LeaseOptionNames& names = {});

/// dhcpcd's binary lease file: the raw DHCPACK (v4) or Reply (v6).
Result<Lease> parseDhcpcdLeaseFile(ByteView content, std::string_view interfaceName,
                                   IpFamily family);

/// A systemd-networkd (or NetworkManager internal-client) KEY=VALUE lease.
Result<Lease> parseNetworkdLease(std::string_view text, std::string_view interfaceName,
                                 const LeaseOptionNames& names = {});

/// `nmcli -t -f GENERAL.DEVICE,DHCP4,DHCP6 device show`: one lease per device
/// and family that has DHCP options.
Result<std::vector<Lease>> parseNmcliDeviceShow(std::string_view text,
                                                const LeaseOptionNames& names = {});

/// Octets written as colon-separated hex ("0:15:68" or "00:15:68") or as
/// plain hex ("001568"). nullopt when `text` is neither.
std::optional<Bytes> parseHexOctets(std::string_view text);

}  // namespace sztp::discovery
