#include "dhcp/uri.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>

#include "dhcp/dhcp_error.h"

// X16 (RFC 8572 §8.3): https://<ip-address-or-hostname>[:<port>] and nothing
// else. The grammar is RFC 3986 narrowed to what a device can use to open a
// TLS connection. Decisions beyond the RFC text:
//  - The scheme is compared case-insensitively (RFC 3986 §3.1); `uri` keeps
//    the original spelling.
//  - A DNS host name may end in one dot (an absolute name, RFC 1034 §3.1);
//    `host` is returned without it, ready for SNI (RFC 6066 §3 forbids the
//    dot there) and certificate matching. The 253-octet limit excludes it.
//  - The host is kept in the case it was received; DNS and certificate
//    matching compare case-insensitively anyway.
//  - IPv6 zone ids are rejected in both the raw '%' and the RFC 6874 "%25"
//    form: a zone id names an interface of the DHCP server's host and means
//    nothing on the device, and RFC 6874 support is rare in TLS stacks.
//  - IPvFuture literals ("[v1.x]") are rejected: no address family to connect to.
//  - A host made only of digits and dots is read as an IPv4 address and must
//    be a strict dotted quad (no leading zeros, which some parsers read as
//    octal); a host name whose last label is all digits is rejected for the
//    same ambiguity (RFC 3696 §2).
//  - Host names are RFC 1123 names: letters, digits and hyphens only, so an
//    underscore or a percent-encoded octet is rejected, not decoded.
//  - IPv6 literals are checked with inet_pton (a pure parser, no lookup), so
//    the embedded-IPv4 form "[::ffff:192.0.2.1]" is accepted.
//  - The port may have leading zeros within its 5 digits ("08443").
//  - Only the first problem found is reported, in this order: octets, scheme,
//    userinfo, host, port, then path/query/fragment.

namespace sztp::dhcp {
namespace {

constexpr std::size_t kMaxHostName = 253;
constexpr std::size_t kMaxLabel = 63;
constexpr std::size_t kMaxPortDigits = 5;
constexpr unsigned kMaxPort = 65535;
constexpr unsigned kMaxIpv4Octet = 255;
// Pieces of the URI quoted inside a reason are shorter than the URI itself.
constexpr std::size_t kQuoteLimit = 64;

Error invalid(std::string reason) {
  return {DhcpErrc::InvalidUri, std::move(reason)};
}

std::string quote(std::string_view text) {
  return "'" + printable(text, kQuoteLimit) + "'";
}

std::string hexOctet(unsigned char octet) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out = "\\x";
  out += kDigits[octet >> 4];
  out += kDigits[octet & 0xf];
  return out;
}

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isHexDigit(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool allDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), isDigit);
}

char toLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return toLower(x) == toLower(y);
         });
}

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
bool isSchemeSyntax(std::string_view text) {
  if (text.empty() || !isAlpha(text.front())) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return isAlpha(c) || isDigit(c) || c == '+' || c == '-' || c == '.';
  });
}

// Spaces, controls and non-ASCII never belong in a URI (RFC 3986 §2); naming
// the offset finds the stray newline or UTF-8 dash an operator pasted in.
Status checkOctets(std::string_view uri) {
  for (std::size_t i = 0; i < uri.size(); ++i) {
    const auto octet = static_cast<unsigned char>(uri[i]);
    const std::string where = " at offset " + std::to_string(i);
    if (octet == ' ') {
      return invalid("contains a space" + where);
    }
    if (octet < 0x20 || octet == 0x7f) {
      return invalid("contains control octet " + hexOctet(octet) + where);
    }
    if (octet >= 0x80) {
      return invalid("contains non-ASCII octet " + hexOctet(octet) + where);
    }
  }
  return {};
}

Result<std::uint16_t> parsePort(std::string_view text) {
  if (text.empty()) {
    return invalid("has an empty port after ':'");
  }
  if (!allDigits(text)) {
    return invalid("port " + quote(text) + " is not a decimal number");
  }
  if (text.size() > kMaxPortDigits) {
    return invalid("port " + quote(text) + " has more than 5 digits");
  }
  unsigned value = 0;
  for (char c : text) {
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > kMaxPort) {
    return invalid("port " + std::to_string(value) + " out of range 1..65535");
  }
  return static_cast<std::uint16_t>(value);
}

// `host` holds only digits and dots, at least one digit.
Status checkIpv4(std::string_view host) {
  const auto parts = static_cast<std::size_t>(std::count(host.begin(), host.end(), '.')) + 1;
  if (parts != 4) {
    return invalid("IPv4 address " + quote(host) + " must have four octets, has " +
                   std::to_string(parts));
  }
  std::string_view rest = host;
  for (std::size_t i = 0; i < parts; ++i) {
    const std::size_t dot = rest.find('.');
    const std::string_view octet = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    if (octet.empty()) {
      return invalid("IPv4 address " + quote(host) + " has an empty octet");
    }
    if (octet.size() > 1 && octet.front() == '0') {
      return invalid("IPv4 address " + quote(host) + " has octet " + quote(octet) +
                     " with a leading zero (read as octal by some parsers)");
    }
    unsigned value = 0;
    for (char c : octet.substr(0, 4)) {
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (octet.size() > 3 || value > kMaxIpv4Octet) {
      return invalid("IPv4 address " + quote(host) + " has octet " + quote(octet) +
                     " out of range 0..255");
    }
  }
  return {};
}

// `literal` is what stands between the brackets.
Status checkIpv6(std::string_view literal) {
  const std::string shown = "[" + printable(literal, kQuoteLimit) + "]";
  if (literal.empty()) {
    return invalid("has an empty IPv6 literal '[]'");
  }
  if (literal.front() == 'v' || literal.front() == 'V') {
    return invalid("has an IPvFuture literal " + shown + "; only IPv6 literals are supported");
  }
  if (const std::size_t percent = literal.find('%'); percent != std::string_view::npos) {
    return invalid("IPv6 literal " + shown + " has a zone id " + quote(literal.substr(percent)) +
                   "; a zone id names an interface of the sender and is not allowed");
  }
  // inet_pton is a pure parser (no lookup); checkOctets has ruled out NULs.
  in6_addr address{};
  const std::string text(literal);
  if (inet_pton(AF_INET6, text.c_str(), &address) != 1) {
    return invalid(shown + " is not a valid IPv6 address");
  }
  return {};
}

// RFC 1123 §2.1 host names: letters, digits and hyphens. Returns the name
// without its optional trailing dot.
Result<std::string> checkHostName(std::string_view host) {
  if (const std::size_t percent = host.find('%'); percent != std::string_view::npos) {
    return invalid("host " + quote(host) + " has percent-encoding " +
                   quote(host.substr(percent, 3)) + "; write the host name literally");
  }
  std::string_view name = host;
  if (name.ends_with('.')) {
    name.remove_suffix(1);
  }
  if (name.empty()) {
    return invalid("host " + quote(host) + " is not a host name");
  }
  if (name.size() > kMaxHostName) {
    return invalid("host name is " + std::to_string(name.size()) + " octets long, longer than 253");
  }
  std::string_view rest = name;
  std::string_view label;
  while (true) {
    const std::size_t dot = rest.find('.');
    label = rest.substr(0, dot);
    if (label.empty()) {
      return invalid("host name " + quote(host) + " has an empty label");
    }
    if (label.size() > kMaxLabel) {
      return invalid("host name label " + quote(label) + " is " + std::to_string(label.size()) +
                     " octets long, longer than 63");
    }
    const auto bad = std::find_if(label.begin(), label.end(),
                                  [](char c) { return !isAlpha(c) && !isDigit(c) && c != '-'; });
    if (bad != label.end()) {
      return invalid("host name label " + quote(label) + " has invalid character " +
                     quote(std::string_view(&*bad, 1)));
    }
    if (label.front() == '-') {
      return invalid("host name label " + quote(label) + " starts with a hyphen");
    }
    if (label.back() == '-') {
      return invalid("host name label " + quote(label) + " ends with a hyphen");
    }
    if (dot == std::string_view::npos) {
      break;
    }
    rest = rest.substr(dot + 1);
  }
  if (allDigits(label)) {
    return invalid("host name " + quote(host) + " ends in the all-numeric label " + quote(label) +
                   "; it is neither an IPv4 address nor a DNS name");
  }
  return std::string(name);
}

struct HostPort {
  std::string host;
  std::uint16_t port = 443;
};

Result<HostPort> parseAuthority(std::string_view authority) {
  if (authority.find('@') != std::string_view::npos) {
    // The userinfo is not echoed: it usually holds a password.
    return invalid("has userinfo before '@'; credentials are not allowed in the URI");
  }
  HostPort result;
  std::optional<std::string_view> port;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return invalid("IPv6 literal " + quote(authority) + " has no closing ']'");
    }
    const std::string_view literal = authority.substr(1, close - 1);
    if (auto checked = checkIpv6(literal); !checked) {
      return std::move(checked).error();
    }
    const std::string_view after = authority.substr(close + 1);
    if (after.starts_with(':')) {
      port = after.substr(1);
    } else if (!after.empty()) {
      return invalid("has " + quote(after) + " after the IPv6 literal");
    }
    result.host = std::string(literal);
  } else {
    const auto colons = std::count(authority.begin(), authority.end(), ':');
    if (colons > 1) {
      const bool looksIpv6 = std::all_of(authority.begin(), authority.end(), [](char c) {
        return isHexDigit(c) || c == ':' || c == '.';
      });
      if (looksIpv6) {
        return invalid("IPv6 address " + quote(authority) + " must be enclosed in brackets");
      }
      return invalid("authority " + quote(authority) + " has more than one ':'");
    }
    const std::size_t colon = authority.find(':');
    const std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
    }
    if (host.empty()) {
      return invalid("has an empty host");
    }
    const bool dottedDigits =
        std::any_of(host.begin(), host.end(), isDigit) &&
        std::all_of(host.begin(), host.end(), [](char c) { return isDigit(c) || c == '.'; });
    if (dottedDigits) {
      if (auto checked = checkIpv4(host); !checked) {
        return std::move(checked).error();
      }
      result.host = std::string(host);
    } else {
      auto name = checkHostName(host);
      if (!name) {
        return std::move(name).error();
      }
      result.host = std::move(*name);
    }
  }
  if (port) {
    auto number = parsePort(*port);
    if (!number) {
      return std::move(number).error();
    }
    result.port = *number;
  }
  return result;
}

}  // namespace

std::string printable(std::string_view octets, std::size_t limit) {
  std::string out;
  const std::string_view kept = octets.substr(0, limit);
  out.reserve(kept.size());
  for (char c : kept) {
    const auto octet = static_cast<unsigned char>(c);
    if (octet < 0x20 || octet >= 0x7f || c == '\\') {
      out += hexOctet(octet);
    } else {
      out += c;
    }
  }
  if (kept.size() < octets.size()) {
    out += "...(" + std::to_string(octets.size()) + " octets)";
  }
  return out;
}

Result<BootstrapServerUri> checkUri(std::string_view uri) {
  if (uri.empty()) {
    return invalid("is empty");
  }
  if (auto octets = checkOctets(uri); !octets) {
    return std::move(octets).error();
  }

  const std::size_t colon = uri.find(':');
  if (colon == std::string_view::npos) {
    return invalid("has no scheme; it must start with 'https://'");
  }
  const std::string_view scheme = uri.substr(0, colon);
  std::string_view rest = uri.substr(colon + 1);
  const bool slashes = rest.starts_with("//");
  if (!equalsIgnoreCase(scheme, "https")) {
    // "ztp.example.com:8443" has a ':' too; only call it a scheme when "//" follows.
    if (slashes && isSchemeSyntax(scheme)) {
      return invalid("scheme is " + quote(scheme) + ", must be https");
    }
    return invalid("has no scheme; it must start with 'https://'");
  }
  if (!slashes) {
    return invalid("has no '//' after 'https:'");
  }
  rest.remove_prefix(2);

  const std::size_t authorityEnd = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authorityEnd);
  const std::string_view tail =
      authorityEnd == std::string_view::npos ? std::string_view() : rest.substr(authorityEnd);

  auto hostPort = parseAuthority(authority);
  if (!hostPort) {
    return std::move(hostPort).error();
  }

  if (!tail.empty()) {
    if (tail.front() == '/') {
      const std::string_view path = tail.substr(0, tail.find_first_of("?#"));
      return invalid("has a path " + quote(path) +
                     (path == "/" ? " (even a lone '/' counts)" : "") +
                     "; the device appends the RESTCONF path itself");
    }
    if (tail.front() == '?') {
      return invalid("has a query " + quote(tail.substr(0, tail.find('#'))));
    }
    return invalid("has a fragment " + quote(tail));
  }

  return BootstrapServerUri{std::string(uri), std::move(hostPort->host), hostPort->port};
}

Result<BootstrapServerUri> parseBootstrapServerUri(std::string_view uri) {
  auto checked = checkUri(uri);
  if (!checked) {
    return Error(checked.error().code(),
                 "URI '" + printable(uri) + "': " + checked.error().detail());
  }
  return checked;
}

}  // namespace sztp::dhcp
