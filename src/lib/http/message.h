#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"

namespace sztp::http {

// HTTP messages as plain values, so that every request handler (southbound
// RESTCONF, admin API, file server, metrics) is a function the tests can call
// without a socket. src/lib/net moves them to and from Boost.Beast.

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  ///< "GET", "POST", ...
  std::string target;  ///< As received: path plus optional "?query".
  Headers headers;     ///< Names lowercased by the transport; order kept.
  std::string body;

  /// The first header with this (lowercase) name, if any.
  std::optional<std::string_view> header(std::string_view name) const;
  /// target without the query string.
  std::string_view path() const;
  /// The query string after '?', without it; "" when none.
  std::string_view query() const;
};

/// A body streamed from a file by the transport (file server).
struct FileBody {
  std::string path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct Response {
  int status = 200;
  Headers headers;  ///< Content-Length is set by the transport.
  std::string body;
  std::optional<FileBody> file;  ///< When set, sent instead of `body`.
  /// The stable reason code when the request was refused; "" otherwise. Goes
  /// to the audit record and metrics, never on the wire by itself.
  std::string reason;
  /// Who the request was authenticated as ("" if nobody), for the audit record.
  std::string identity;
  /// What the server log should say about a refusal beyond the reason code
  /// (the claimed serial number, the certificate subject). Never sent.
  std::string logDetail;

  Response& setHeader(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;  ///< Case-insensitive.
};

/// What the transport knows about the peer of a connection.
struct Peer {
  std::string address;  ///< Textual IP, no brackets, no port.
  std::uint16_t port = 0;
  bool tls = false;
  /// The client certificate chain as the client sent it, leaf first, DER.
  /// Empty when the client sent none. NOT validated by the transport: the
  /// handler decides what it trusts (a device type's anchors, admin CA).
  std::vector<Bytes> clientCertificates;
  std::string tlsVersion;  ///< "TLSv1.3"
  std::string cipher;

  /// "192.0.2.7:51234" or "[2001:db8::7]:51234".
  std::string endpoint() const;
};

using Handler = std::function<Response(const Request&, const Peer&)>;

/// Lowercase ASCII copy.
std::string lowercase(std::string_view text);

}  // namespace sztp::http
