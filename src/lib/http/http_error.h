#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::http {

/// Why an HTTP request was refused before (or instead of) reaching its
/// handler's own logic. Shared by the transport (src/lib/net), the file
/// server and the RESTCONF handlers, so the audit log and metrics use one
/// vocabulary. `statusFor()` gives the HTTP status of each.
enum class HttpErrc {
  /// The request line, a header field or the chunked body framing is not valid HTTP/1.1. 400.
  MalformedRequest = 1,
  /// The body is larger than the listener's limit (maxBodyBytes). 413.
  BodyTooLarge,
  /// The request line plus header fields are larger than the limit (maxHeaderBytes). 431.
  HeaderTooLarge,
  /// The client did not send the header or body within its timeout; nothing is answered. 408.
  RequestTimeout,
  /// The method is not one this resource supports. 405.
  MethodNotAllowed,
  /// A Range header asks only for bytes past the end of the file. 416.
  RangeNotSatisfiable,
  /// A Range header is not a valid bytes range; it is ignored (the full body is sent).
  MalformedRange,
  /// An HTTP date (If-Modified-Since, If-Range) is not in any of the three RFC 9110 forms.
  MalformedDate,
  /// An entity tag or entity-tag list (If-None-Match, If-Match, If-Range) is malformed.
  MalformedEntityTag,
  /// The request path is not an absolute path or has invalid percent-encoding. 400.
  MalformedTarget,
  /// The request path has a "." or ".." segment or an encoded '/', '\' or NUL. 403.
  TargetEscapesRoot,
  /// The handler did not answer within the listener's handlerTimeout. 503.
  HandlerTimeout,
  /// The handler failed (threw) while building its answer. 500.
  HandlerFailed,
  /// A precondition (If-Match, If-Unmodified-Since) is false. 412.
  PreconditionFailed,
};

const ReasonCategory& httpCategory() noexcept;

inline std::error_code make_error_code(HttpErrc e) noexcept {
  return {static_cast<int>(e), httpCategory()};
}

/// The HTTP status code that answers a request refused with `e`.
int statusFor(HttpErrc e) noexcept;

}  // namespace sztp::http

template <>
struct std::is_error_code_enum<sztp::http::HttpErrc> : std::true_type {};
