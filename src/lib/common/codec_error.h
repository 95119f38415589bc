#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp {

/// Errors from parsing untrusted text and values (JSON, XML, base64, hex,
/// date-and-time). The detail of each names the offending node, e.g.
/// "/ietf-voucher:voucher/created-on".
enum class CodecErrc {
  /// The JSON text is not well-formed; the detail has the byte offset.
  MalformedJson = 1,
  /// The XML text is not well-formed, or uses a DTD/entity we refuse.
  MalformedXml,
  /// The input exceeds a configured size limit; raise the limit only if the artifact is genuine.
  InputTooLarge,
  /// The input nests deeper than the configured limit.
  InputTooDeep,
  /// A node the YANG module does not define (misspelt name, wrong module prefix or namespace).
  UnknownNode,
  /// A mandatory node is absent.
  MissingNode,
  /// A node that may appear once appears twice, or a list key repeats.
  DuplicateNode,
  /// A node's value is not allowed by its YANG type (bad base64, enum, range, pattern...).
  InvalidValue,
  /// A YANG must/when/min-elements/choice constraint is violated.
  ConstraintViolation,
  /// The document is well-formed but is a different artifact than the one expected.
  UnexpectedDocument,
};

const ReasonCategory& codecCategory() noexcept;

inline std::error_code make_error_code(CodecErrc e) noexcept {
  return {static_cast<int>(e), codecCategory()};
}

}  // namespace sztp

template <>
struct std::is_error_code_enum<sztp::CodecErrc> : std::true_type {};
