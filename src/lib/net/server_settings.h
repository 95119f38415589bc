#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "http/http_error.h"
#include "http/message.h"

namespace sztp::net {

/// TLS 1.2 cipher list (OpenSSL names): forward secrecy and AEAD only —
/// ECDHE with AES-GCM or ChaCha20-Poly1305, ECDSA or RSA certificates.
/// docs/transport.md says how to widen it for old clients.
inline constexpr const char* kDefaultCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
/// TLS 1.3 cipher suites: all three of RFC 8446 §9.1's usual set.
inline constexpr const char* kDefaultCipherSuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

/// The TLS side of a listener. Certificate and key are PEM *contents*, not
/// paths: the binary reads files, the library takes bytes.
struct TlsSettings {
  /// The server certificate first, then the intermediates to send.
  std::string certificateChainPem;
  /// Unencrypted PEM (PKCS#8, traditional RSA or EC). ECDSA and RSA both work.
  std::string privateKeyPem;

  /// Whether the client is asked for a certificate. The certificate is NOT
  /// validated by TLS: whatever chain the client sends reaches the handler in
  /// http::Peer::clientCertificates, and the handler decides (a device of an
  /// unknown CA must get an HTTP 401, not a handshake failure; S14).
  enum class ClientCert {
    None,     ///< Not requested.
    Request,  ///< Requested; a client without one still connects.
    Require,  ///< Requested; a client without one fails the handshake.
  };
  ClientCert clientCert = ClientCert::Request;

  std::string minVersion = "1.2";  ///< "1.2" or "1.3".
  std::string maxVersion;          ///< "" (the highest: 1.3), "1.2" or "1.3".
  /// Stateless session tickets. Off: devices bootstrap once, so resumption
  /// rarely helps, and tickets cost CPU and a ticket key to protect.
  bool sessionTickets = false;
  /// Stateful resumption (TLS 1.2 session IDs, TLS 1.3 stateful tickets)
  /// from an in-memory cache. Off for the same reason.
  bool sessionCache = false;
  std::string cipherList = kDefaultCipherList;      ///< TLS 1.2 and below.
  std::string cipherSuites = kDefaultCipherSuites;  ///< TLS 1.3.
  /// Key exchange groups, e.g. "X25519:P-256:P-384"; "" keeps OpenSSL's default.
  std::string groups;
  /// Signature algorithms offered and accepted (server and client
  /// CertificateVerify), e.g. "ECDSA+SHA256:RSA+SHA256:RSA-PSS+SHA256";
  /// "" keeps OpenSSL's default, which includes RSA PKCS#1 v1.5 for TLS 1.2.
  std::string signatureAlgorithms;
};

/// One listening socket and how its connections are treated.
struct ListenerSettings {
  /// Names the listener in handlers, stats, audit records: "bootstrap", "admin", "files".
  std::string name;
  std::string address = "127.0.0.1";  ///< Literal IPv4/IPv6; "::" is dual-stack.
  std::uint16_t port = 0;             ///< 0: any free port (see HttpServer::boundPort).
  /// nullopt: plain HTTP (the admin API on loopback, metrics).
  std::optional<TlsSettings> tls;

  /// Larger bodies get 413 (request-body-too-large) without being read.
  std::size_t maxBodyBytes = std::size_t{1024} * 1024;
  /// A larger request line plus header fields gets 431 (request-header-too-large).
  std::size_t maxHeaderBytes = std::size_t{16} * 1024;
  /// Open connections beyond this are closed at once, before TLS (stats: refused).
  std::size_t maxConnections = 4096;
  /// After this many requests a connection is closed (Connection: close); 0 = no limit.
  std::size_t maxRequestsPerConnection = 1000;

  /// From accept to the end of the TLS handshake.
  std::chrono::milliseconds handshakeTimeout{10'000};
  /// From the first octet of a request (or the end of the handshake, for the
  /// first request) to the end of its header: the slowloris bound.
  std::chrono::milliseconds headerTimeout{10'000};
  /// From the end of the header to the end of the body.
  std::chrono::milliseconds bodyTimeout{30'000};
  /// How long a kept-alive connection may wait for its next request.
  std::chrono::milliseconds idleTimeout{30'000};
  /// How long a response write may make no progress (a client not reading).
  /// Applies per chunk for files, so large downloads are not cut short.
  std::chrono::milliseconds sendTimeout{30'000};
  /// How long the handler may take before the client gets 503
  /// (handler-timeout) and the connection is closed; 0 = no limit. The
  /// handler itself is not interrupted: its answer is discarded.
  std::chrono::milliseconds handlerTimeout{30'000};

  /// Builds the answer to a request the transport refuses (400, 413, 431,
  /// 503...) — e.g. a RESTCONF error body. Unset: text/plain "<code>: <sentence>".
  /// Its `reason` is overwritten with the reason code of `errc`.
  std::function<http::Response(http::HttpErrc errc)> errorResponse;
};

struct ServerSettings {
  /// Threads running the network I/O (accept, TLS, parsing, writing).
  std::size_t ioThreads = 2;
  /// Threads running handlers, which may block (SQLite, signing) and the audit sink.
  std::size_t handlerThreads = 8;
  std::vector<ListenerSettings> listeners;
  /// Sent as the Server header when not empty.
  std::string serverHeader;
  /// When set, every response carries a Date header from it (RFC 9110 §6.6.1).
  /// Must outlive the server.
  const Clock* clock = nullptr;
};

/// One request as the transport saw it, handed to the AuditSink after the
/// answer was written (or the request was refused, timed out or the write failed).
struct AuditEvent {
  std::string listener;
  /// Never null. For a request refused while being read (413, 431, 400,
  /// timeout) it holds what was read of it: method, target and headers may be
  /// empty or partial, the body is empty.
  std::shared_ptr<const http::Request> request;
  /// The answer's status, headers, reason code and identity; its body is not
  /// kept (see bodyBytes). For a timeout nothing is sent, and it holds status
  /// 408, reason request-timeout.
  http::Response response;
  std::shared_ptr<const http::Peer> peer;
  /// From the request's first octet to the end of the write.
  std::chrono::microseconds duration{0};
  /// Whether the whole answer was written to the connection.
  bool sent = false;
  /// Body octets written (0 for HEAD, 304, or when not sent).
  std::uint64_t bodyBytes = 0;
};

/// Called once per request, on a handler thread (so it may block briefly, e.g.
/// to write an audit row); calls may run concurrently.
using AuditSink = std::function<void(const AuditEvent&)>;

/// Counters of one listener since start, for metrics.
struct ListenerStats {
  std::uint64_t connectionsAccepted = 0;
  std::uint64_t connectionsRefused = 0;  ///< Over maxConnections.
  std::uint64_t connectionsActive = 0;
  std::uint64_t handshakeFailures = 0;
  std::uint64_t timeouts = 0;  ///< Handshake, header, body, idle-during-request or send.
  std::uint64_t requests = 0;  ///< Requests that reached the handler.
};

}  // namespace sztp::net
