#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

// Pure parsers for what the client reads from untrusted places: download
// URIs (conveyed information, redirects), the host-meta document (RFC 6415)
// and Content-Range. No I/O; fuzzed by src/fuzz/client_wire.cc.

namespace sztp::client {

/// An http or https URI reduced to what a request needs.
struct HttpUri {
  bool tls = true;   ///< https
  std::string host;  ///< DNS name or IP literal; IPv6 without brackets; lowercase.
  std::uint16_t port = 443;
  std::string target = "/";  ///< Path plus "?query"; never empty; the fragment is dropped.
  bool operator==(const HttpUri&) const = default;
};

/// Parses an absolute http(s) URI (RFC 3986 subset): no userinfo (it would
/// carry a secret in clear), a host of letters, digits, '.', '-' or a
/// bracketed IPv6 literal, an optional port 1..65535, and a target of visible
/// ASCII. At most 8 KiB. Errors: ClientErrc::InvalidRequest.
Result<HttpUri> parseHttpUri(std::string_view text);

/// The "host:port" form used in logs and ServerAnswer::address, with IPv6 in brackets.
std::string formatHostPort(std::string_view host, std::uint16_t port);

/// The value for the Host header (RFC 9110 §7.2): the port is omitted when it
/// is the scheme's default.
std::string hostHeader(const HttpUri& uri);

/// The RESTCONF root ({+restconf}, RFC 8040 §3.1) from a host-meta XRD document
/// (RFC 6415): the href of the first Link with rel="restconf", as a path with
/// no trailing '/'. An absolute href contributes only its path (the root is
/// always on the server asked). Errors: ClientErrc::AnswerMalformed.
Result<std::string> parseHostMetaRestconfRoot(std::string_view xrd);

/// A 206 answer's Content-Range (RFC 9110 §14.4): "bytes first-last/complete"
/// with complete "*" when unknown.
struct ContentRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::optional<std::uint64_t> complete;
  bool operator==(const ContentRange&) const = default;
};
/// Also reads the unsatisfied form "bytes */complete" (416), as first = last = 0
/// and `unsatisfied` set.
struct ContentRangeParse {
  ContentRange range;
  bool unsatisfied = false;
};
Result<ContentRangeParse> parseContentRange(std::string_view value);

}  // namespace sztp::client
