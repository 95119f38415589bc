#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::net {

/// Errors setting up or changing the HTTPS transport (HttpServer::create,
/// start, reloadTls). Requests refused by the transport use http::HttpErrc.
enum class NetErrc {
  /// The server settings are inconsistent: no listener, a duplicate or empty
  /// listener name, a listener without a handler, zero threads, a zero limit.
  SettingsInvalid = 1,
  /// The listen address is not a literal IPv4 or IPv6 address.
  ListenAddressInvalid,
  /// The listening socket cannot be opened, bound or put into listening state.
  ListenFailed,
  /// The certificate chain PEM cannot be read or holds no certificate.
  TlsCertificateInvalid,
  /// The private key PEM cannot be read (encrypted keys are refused).
  TlsKeyInvalid,
  /// The private key does not belong to the first certificate of the chain.
  TlsKeyMismatch,
  /// A TLS setting is refused: an unknown protocol version, or a cipher list,
  /// cipher suites, groups or signature algorithms OpenSSL does not accept.
  TlsSettingsInvalid,
  /// No listener has this name, or it is not a TLS listener.
  UnknownListener,
  /// start() after start() or after stop().
  WrongState,
};

const ReasonCategory& netCategory() noexcept;

inline std::error_code make_error_code(NetErrc e) noexcept {
  return {static_cast<int>(e), netCategory()};
}

}  // namespace sztp::net

template <>
struct std::is_error_code_enum<sztp::net::NetErrc> : std::true_type {};
