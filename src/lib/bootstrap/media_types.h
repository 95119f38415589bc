#pragma once

#include <optional>
#include <string_view>

#include "common/result.h"
#include "model/encoding.h"

namespace sztp::bootstrap {

// RESTCONF media-type negotiation (S11; RFC 8040 §5.2). Real clients vary, so
// besides application/yang-data+json|xml we read application/json,
// application/xml, text/xml and the draft's misspelling
// application/yang.data+xml, and answer with the proper yang-data type.

/// The encoding of a request body. An empty body needs no Content-Type. A
/// body without Content-Type is sniffed ('{' JSON, '<' XML). Anything else
/// fails with UnsupportedMediaType (415).
Result<model::Encoding> requestEncoding(std::optional<std::string_view> contentType,
                                        std::string_view body);

/// The encoding of the reply from the Accept header (q-values honoured;
/// */* and application/* accept either, preferring `preferred`). No Accept
/// header means `preferred`. Fails with NotAcceptable (406) when neither
/// encoding is acceptable.
Result<model::Encoding> responseEncoding(std::optional<std::string_view> accept,
                                         model::Encoding preferred);

/// The encoding a known media type names, ignoring parameters; nullopt for others.
std::optional<model::Encoding> encodingOfMediaType(std::string_view mediaType);

}  // namespace sztp::bootstrap
