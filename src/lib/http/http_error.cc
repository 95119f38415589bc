#include "http/http_error.h"

#include <array>

namespace sztp::http {
namespace {

constexpr std::array kReasons{
    ReasonInfo{static_cast<int>(HttpErrc::MalformedRequest), "malformed-request",
               "the request is not valid HTTP/1.1 (request line, header field or chunked "
               "framing); fix the client"},
    ReasonInfo{static_cast<int>(HttpErrc::BodyTooLarge), "request-body-too-large",
               "the request body is larger than the listener's limit (max-body-bytes); the "
               "connection is closed without reading it"},
    ReasonInfo{static_cast<int>(HttpErrc::HeaderTooLarge), "request-header-too-large",
               "the request line and header fields are larger than the listener's limit "
               "(max-header-bytes)"},
    ReasonInfo{static_cast<int>(HttpErrc::RequestTimeout), "request-timeout",
               "the client did not send its request header or body in time; the connection "
               "was closed (slow or stalled client)"},
    ReasonInfo{static_cast<int>(HttpErrc::MethodNotAllowed), "method-not-allowed",
               "the resource does not support this HTTP method; see the Allow header"},
    ReasonInfo{static_cast<int>(HttpErrc::RangeNotSatisfiable), "range-not-satisfiable",
               "the requested byte range starts past the end of the file"},
    ReasonInfo{static_cast<int>(HttpErrc::MalformedRange), "malformed-range",
               "the Range header is not a valid bytes range; it was ignored and the whole "
               "file sent"},
    ReasonInfo{static_cast<int>(HttpErrc::MalformedDate), "malformed-http-date",
               "an HTTP date header is not in IMF-fixdate, RFC 850 or asctime form; it was "
               "ignored"},
    ReasonInfo{static_cast<int>(HttpErrc::MalformedEntityTag), "malformed-entity-tag",
               "an entity tag header (If-None-Match, If-Match, If-Range) is malformed; it was "
               "ignored"},
    ReasonInfo{static_cast<int>(HttpErrc::MalformedTarget), "malformed-target",
               "the request path is not an absolute path or has invalid percent-encoding"},
    ReasonInfo{static_cast<int>(HttpErrc::TargetEscapesRoot), "target-escapes-root",
               "the request path contains a '.' or '..' segment or an encoded '/', '\\' or "
               "NUL; such paths are refused"},
    ReasonInfo{static_cast<int>(HttpErrc::HandlerTimeout), "handler-timeout",
               "the server did not compute its answer in time (handler-timeout); check the "
               "registry database and the server's load"},
    ReasonInfo{static_cast<int>(HttpErrc::HandlerFailed), "handler-failed",
               "the server failed while computing its answer; this is a bug, see the server "
               "log"},
    ReasonInfo{static_cast<int>(HttpErrc::PreconditionFailed), "precondition-failed",
               "an If-Match or If-Unmodified-Since precondition is false; the resource "
               "changed"},
};

}  // namespace

const ReasonCategory& httpCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.http", kReasons);
  return category;
}

int statusFor(HttpErrc e) noexcept {
  switch (e) {
    case HttpErrc::MalformedRequest:
    case HttpErrc::MalformedTarget:
      return 400;
    case HttpErrc::BodyTooLarge:
      return 413;
    case HttpErrc::HeaderTooLarge:
      return 431;
    case HttpErrc::RequestTimeout:
      return 408;
    case HttpErrc::MethodNotAllowed:
      return 405;
    case HttpErrc::RangeNotSatisfiable:
      return 416;
    case HttpErrc::TargetEscapesRoot:
      return 403;
    case HttpErrc::HandlerTimeout:
      return 503;
    case HttpErrc::PreconditionFailed:
      return 412;
    case HttpErrc::MalformedRange:
    case HttpErrc::MalformedDate:
    case HttpErrc::MalformedEntityTag:
      return 200;  // Ignored by the recipient (RFC 9110 §13.1, §14.2): the full answer follows.
    case HttpErrc::HandlerFailed:
      return 500;
  }
  return 500;
}

}  // namespace sztp::http
