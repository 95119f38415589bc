#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace sztp::model {

/// The two YANG instance encodings: RFC 7951 JSON and RFC 7950 XML.
enum class Encoding { Json, Xml };

std::string_view encodingName(Encoding encoding);  ///< "json" / "xml"

/// Media type of a RESTCONF body in this encoding (RFC 8040 §11.3):
/// application/yang-data+json or application/yang-data+xml.
std::string_view yangDataMediaType(Encoding encoding);

/// Guesses the encoding of a document from its first non-whitespace octet
/// ('{' JSON, '<' XML); used for id-data content (A2) and `sztp show`.
std::optional<Encoding> sniffEncoding(std::string_view text);

/// Limits applied to every untrusted document before and while it is parsed.
/// Both are checked before any value is decoded.
struct ParseLimits {
  /// Largest document accepted, in octets. Conveyed information embeds
  /// scripts and configuration, hence the generous default.
  std::size_t maxBytes = std::size_t{16} * 1024 * 1024;
  /// Deepest nesting of JSON arrays/objects or XML elements. The deepest
  /// valid SZTP document nests 6 levels; anything near the limit is hostile.
  std::size_t maxDepth = 32;
};

}  // namespace sztp::model
