#include "dhcp/server_config.h"

#include "common/hex.h"
#include "dhcp/dhcp_error.h"
#include "dhcp/sztp_redirect_option.h"

namespace sztp::dhcp {
namespace {

// dnsmasq refuses a DHCPv4 option value over 255 octets ("dhcp-option too
// long"); it has no RFC 3396 splitting.
constexpr std::size_t kMaxUnsplitValue = 255;
// dnsmasq reads a configuration line of at most 1024 characters (measured with
// dnsmasq 2.90 --test); a longer line is cut and the rest read as a bad option.
constexpr std::size_t kMaxDnsmasqLine = 1024;

// One comment line per URI so an operator can see what the hex says.
std::string uriComments(std::string_view prefix, const std::vector<std::string>& uris) {
  std::string out;
  for (std::size_t i = 0; i < uris.size(); ++i) {
    out += std::string(prefix) + "  " + std::to_string(i + 1) + ". " + uris[i] + "\n";
  }
  return out;
}

std::string header(std::string_view prefix, IpFamily family, const std::vector<std::string>& uris,
                   std::size_t valueSize) {
  const bool v4 = family == IpFamily::V4;
  std::string out = std::string(prefix) + (v4 ? " DHCPv4 option 143" : " DHCPv6 option 136") +
                    " (sztp-redirect, RFC 8572 §8), " + std::to_string(valueSize) +
                    " octets: each URI as a 2-octet length, then the URI.\n";
  out += std::string(prefix) +
         " Written as hex on purpose: a text value lacks the length prefixes and devices "
         "ignore it.\n";
  out += std::string(prefix) + " Bootstrap servers, in preference order:\n";
  out += uriComments(prefix, uris);
  return out;
}

ServerConfigSnippet kea(IpFamily family, const Bytes& value, const ServerConfigOptions& options) {
  const bool v4 = family == IpFamily::V4;
  const std::string code = v4 ? "143" : "136";
  const std::string space = v4 ? "dhcp4" : "dhcp6";
  std::string text = header("//", family, options.uris, value.size());
  text +=
      "// Kea 2.2 (Debian 12) has no definition for this option: it is defined here as\n"
      "// binary. \"csv-format\": false makes Kea send the hex octets exactly as given; if\n"
      "// your Kea says the option is already defined, drop the option-def entry.\n";
  if (v4 && value.size() > kMaxUnsplitValue) {
    text += "// Over 255 octets: Kea sends it as several option 143 instances (RFC 3396).\n";
  }
  text += "// Merge these members into the \"Dhcp" + std::string(v4 ? "4" : "6") +
          "\" object (or a subnet's \"option-data\").\n";
  text += "\"option-def\": [\n  { \"name\": \"sztp-redirect\", \"code\": " + code +
          ", \"space\": \"" + space + "\", \"type\": \"binary\" }\n],\n";
  text += "\"option-data\": [\n  { \"name\": \"sztp-redirect\", \"code\": " + code +
          ", \"space\": \"" + space + "\", \"csv-format\": false,\n    \"always-send\": " +
          (options.alwaysSend ? "true" : "false") + ",\n    \"data\": \"" + hexEncode(value) +
          "\" }\n]\n";
  return {family, v4 ? "kea-dhcp4.conf, inside \"Dhcp4\"" : "kea-dhcp6.conf, inside \"Dhcp6\"",
          std::move(text)};
}

Result<ServerConfigSnippet> dnsmasq(IpFamily family, const Bytes& value,
                                    const ServerConfigOptions& options) {
  const bool v4 = family == IpFamily::V4;
  if (v4 && value.size() > kMaxUnsplitValue) {
    return Error(DhcpErrc::ListTooLong,
                 "the DHCPv4 value is " + std::to_string(value.size()) +
                     " octets; dnsmasq sends at most 255 in one option and does not split it "
                     "(RFC 3396): list fewer or shorter URIs, or use Kea or ISC dhcpd");
  }
  std::string line = options.alwaysSend ? "dhcp-option-force=" : "dhcp-option=";
  line += v4 ? "143," : "option6:136,";
  line += hexStringEncode(value);
  if (line.size() > kMaxDnsmasqLine) {
    return Error(DhcpErrc::ListTooLong,
                 "the DHCPv6 value is " + std::to_string(value.size()) +
                     " octets; as hex it exceeds the 1024 characters of a dnsmasq "
                     "configuration line: list fewer or shorter URIs, or use Kea or ISC dhcpd");
  }
  std::string text = header("#", family, options.uris, value.size());
  text +=
      "# dnsmasq reads colon-separated hex octets as binary data (a value with no colon\n"
      "# would be read as text or a number).\n";
  text += line + "\n";
  return ServerConfigSnippet{family, "dnsmasq.conf", std::move(text)};
}

ServerConfigSnippet iscDhcpd(IpFamily family, const Bytes& value,
                             const ServerConfigOptions& options) {
  const bool v4 = family == IpFamily::V4;
  const std::string name = v4 ? "sztp-redirect" : "dhcp6.sztp-redirect";
  std::string text = header("#", family, options.uris, value.size());
  text +=
      "# ISC dhcpd has no definition for this option: declared here as a string of\n"
      "# octets, given as colon-separated hex (a quoted string would be sent as text).\n";
  if (v4 && value.size() > kMaxUnsplitValue) {
    text += "# Over 255 octets: dhcpd sends it as several option 143 instances (RFC 3396).\n";
  }
  text += "option " + name + " code " + (v4 ? "143" : "136") + " = string;\n";
  text += "option " + name + " " + hexStringEncode(value) + ";\n";
  if (options.alwaysSend) {
    if (v4) {
      text +=
          "# Send option 143 even when the client does not ask for it: add it to the\n"
          "# parameter request list the server answers.\n"
          "if exists dhcp-parameter-request-list {\n"
          "  option dhcp-parameter-request-list = concat(option dhcp-parameter-request-list, "
          "8f);\n"
          "}\n";
    } else {
      text +=
          "# Note: dhcpd sends DHCPv6 options only to clients that request them (ORO);\n"
          "# it has no always-send for DHCPv6. The device must request option 136.\n";
    }
  }
  return {family, v4 ? "dhcpd.conf" : "dhcpd6.conf", std::move(text)};
}

}  // namespace

std::string_view dhcpServerName(DhcpServer server) {
  switch (server) {
    case DhcpServer::Kea:
      return "kea";
    case DhcpServer::Dnsmasq:
      return "dnsmasq";
    case DhcpServer::IscDhcpd:
      return "isc-dhcpd";
  }
  return "unknown";
}

Result<std::vector<ServerConfigSnippet>> serverConfig(DhcpServer server,
                                                      const ServerConfigOptions& options) {
  auto value = encodeServerList(options.uris);
  if (!value) {
    return std::move(value).error();
  }
  if (options.v6) {
    // The same check the option encoder makes: a DHCPv6 option holds 65535 octets.
    if (auto option = encodeDhcpv6Option(*value); !option) {
      return std::move(option).error();
    }
  }
  std::vector<ServerConfigSnippet> snippets;
  for (IpFamily family : {IpFamily::V4, IpFamily::V6}) {
    if ((family == IpFamily::V4 && !options.v4) || (family == IpFamily::V6 && !options.v6)) {
      continue;
    }
    switch (server) {
      case DhcpServer::Kea:
        snippets.push_back(kea(family, *value, options));
        break;
      case DhcpServer::Dnsmasq: {
        auto snippet = dnsmasq(family, *value, options);
        if (!snippet) {
          return std::move(snippet).error();
        }
        snippets.push_back(std::move(*snippet));
        break;
      }
      case DhcpServer::IscDhcpd:
        snippets.push_back(iscDhcpd(family, *value, options));
        break;
    }
  }
  return snippets;
}

}  // namespace sztp::dhcp
