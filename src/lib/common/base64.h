#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace sztp {

/// RFC 4648 §4 base64 with padding, the encoding of YANG `binary` (A19).
std::string base64Encode(ByteView data);

/// Strict decode: the alphabet of §4, '=' padding required, no trailing bits
/// set. With `allowWhitespace`, ASCII spaces, tabs and line breaks are skipped
/// (XML instances wrap long values). Fails with CodecErrc::InvalidValue.
Result<Bytes> base64Decode(std::string_view text, bool allowWhitespace = false);

}  // namespace sztp
