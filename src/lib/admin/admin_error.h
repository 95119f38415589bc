#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::admin {

/// Why the admin API refused a request (category "sztp.admin"), beyond the
/// registry's own errors (not-found, in-use, ...) and the transport's
/// (request-body-too-large, method-not-allowed), which it answers with as
/// they are. `httpStatusFor()` gives the status of every error it sends.
enum class AdminErrc {
  /// Neither an admin token nor an admin client CA is configured, so every
  /// request is refused (fail closed). 401.
  AuthNotConfigured = 1,
  /// The request carries no bearer token and no client certificate. 401.
  NotAuthenticated,
  /// The bearer token is not one of the configured admin tokens. 401.
  TokenRejected,
  /// The client certificate does not chain to an admin client CA (or is
  /// expired). 401.
  CertificateRejected,
  /// The body is not valid JSON, YAML or CSV of the expected shape, or is
  /// nested too deeply. 400.
  MalformedBody,
  /// The Content-Type is not one this resource reads. 415.
  UnsupportedMediaType,
  /// No resource has this path. 404.
  UnknownResource,
  /// A query parameter is unknown or has a malformed value. 400.
  InvalidParameter,
  /// The name or serial number in the body differs from the one in the path. 400.
  NameMismatch,
  /// POST of an object or device that already exists (use PUT to replace). 409.
  AlreadyExists,
  /// Client side (`sztp admin`): the server cannot be reached or the TLS
  /// handshake failed. Never sent by the server.
  ServerUnreachable,
  /// Client side: the server's answer is not the admin API's JSON. Never sent.
  ReplyMalformed,
};

const ReasonCategory& adminCategory() noexcept;

inline std::error_code make_error_code(AdminErrc e) noexcept {
  return {static_cast<int>(e), adminCategory()};
}

/// The HTTP status the admin API answers `error` with: its own codes as
/// listed above; registry codes not-found 404, in-use and dangling-reference
/// 409, invalid-object 400, storage failures 500; transport codes by
/// http::statusFor; inventory codes 400 except inventory-dangling-reference
/// 409 and inventory-limit-exceeded 413; anything else 400.
int httpStatusFor(const Error& error);

}  // namespace sztp::admin

template <>
struct std::is_error_code_enum<sztp::admin::AdminErrc> : std::true_type {};
