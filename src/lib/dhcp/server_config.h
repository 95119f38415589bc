#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sztp::dhcp {

/// DHCP servers whose configuration `sztp dhcp config` writes (issue 3 item 6).
enum class DhcpServer { Kea, Dnsmasq, IscDhcpd };

enum class IpFamily { V4, V6 };

struct ServerConfigOptions {
  std::vector<std::string> uris;  ///< https://host[:port], in preference order (X16).
  bool v4 = true;                 ///< Emit DHCPv4 option 143.
  bool v6 = true;                 ///< Emit DHCPv6 option 136.
  /// Send the option to every client, not only to those that request it
  /// (RFC 8572 §8: clients SHOULD request it; some lab clients do not).
  bool alwaysSend = false;
};

/// Configuration for one family in one of the daemon's files.
struct ServerConfigSnippet {
  IpFamily family = IpFamily::V4;
  /// Where it goes, for the operator: "kea-dhcp4.conf, inside \"Dhcp4\"",
  /// "dnsmasq.conf", "dhcpd.conf", "dhcpd6.conf".
  std::string destination;
  /// Lines to paste, explained by comments in the daemon's own syntax; ends
  /// with a newline. For Kea: members of the "Dhcp4"/"Dhcp6" object.
  std::string text;
};

/// The configuration that makes `server` send the SZTP redirect option with
/// the RFC 8572 §8 binary encoding (each URI a 2-octet length then the URI),
/// one snippet per family asked for (v4 first). The option value is always
/// given as hex octets, never as text: a text value sends the URI without its
/// length prefix, which devices ignore (checklist §2 "DHCP").
///
/// Fails like encodeServerList (EmptyList, InvalidUri, ListTooLong), and with
/// ListTooLong for dnsmasq when the DHCPv4 value exceeds 255 octets (dnsmasq
/// does not split long options, RFC 3396; Kea and ISC dhcpd do) or the
/// DHCPv6 line exceeds the 1024 characters dnsmasq reads (~330 octets).
Result<std::vector<ServerConfigSnippet>> serverConfig(DhcpServer server,
                                                      const ServerConfigOptions& options);

/// "kea", "dnsmasq", "isc-dhcpd".
std::string_view dhcpServerName(DhcpServer server);

}  // namespace sztp::dhcp
