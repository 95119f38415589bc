#pragma once

#include <initializer_list>
#include <string_view>

#include "common/bytes.h"
#include "common/hex.h"

namespace sztp::dhcp::testing {

/// Octets from hex the way the checklist writes them ("8F 17 00 15 ...").
/// Test vectors are literals, so a typo shows up as an empty result.
inline Bytes hex(std::string_view text) {
  auto decoded = hexDecodeLenient(text);
  return decoded ? *decoded : Bytes{};
}

inline Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView part : parts) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

/// One bootstrap-server-list entry: 2-octet length, then the URI.
inline Bytes entry(std::string_view uri) {
  Bytes out{static_cast<std::uint8_t>(uri.size() >> 8), static_cast<std::uint8_t>(uri.size())};
  out.insert(out.end(), uri.begin(), uri.end());
  return out;
}

}  // namespace sztp::dhcp::testing
