#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::client {

/// Why the device's RESTCONF client (RFC 8572 §7) or its boot-image
/// downloader (§5.6) failed. One value per thing an operator fixes
/// differently; the Error detail names the address, the HTTP status, the
/// RESTCONF error-tag/app-tag/message or the OpenSSL verify string.
enum class ClientErrc {
  /// A URI, host name or client setting cannot be used (bad URI, key does not match certificate).
  InvalidRequest = 1,
  /// The host name does not resolve to any address.
  ResolveFailed,
  /// No address of the host accepted a TCP connection (D36: every one was tried).
  ConnectFailed,
  /// The TLS handshake failed for a reason other than the server certificate.
  TlsHandshakeFailed,
  /// The server certificate does not chain to the given trust anchors (D13, D37).
  ServerCertificateUntrusted,
  /// The server certificate chains to the anchors but is not for this host (RFC 6125).
  ServerNameMismatch,
  /// A connection, handshake, request or download exceeded its time limit.
  Timeout,
  /// The server answered with an unexpected HTTP status (RESTCONF error in the detail).
  HttpStatus,
  /// The answer's header or body is larger than the configured limit.
  AnswerTooLarge,
  /// The connection closed before the whole answer arrived.
  AnswerTruncated,
  /// The answer is not valid HTTP or not the RESTCONF document expected.
  AnswerMalformed,
  /// The answer has a media type the client did not ask for.
  MediaType,
  /// HTTP Basic was not sent because the server is not authenticated (D58) and
  /// the server refused the device without it.
  BasicAuthRefusedUntrusted,
  /// A download failed (scheme not allowed, redirect refused, file I/O, range mismatch).
  DownloadFailed,
  /// The downloaded image matches none of the image-verification hashes (D46); it was deleted.
  DownloadHashMismatch,
  /// The image is larger than the allowed size.
  DownloadTooLarge,
};

const ReasonCategory& clientCategory() noexcept;

inline std::error_code make_error_code(ClientErrc e) noexcept {
  return {static_cast<int>(e), clientCategory()};
}

}  // namespace sztp::client

template <>
struct std::is_error_code_enum<sztp::client::ClientErrc> : std::true_type {};
