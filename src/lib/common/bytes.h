#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sztp {

/// Owned octets: DER structures, decoded base64, file contents.
using Bytes = std::vector<std::uint8_t>;

/// A read-only view of octets; never outlives what it views.
using ByteView = std::span<const std::uint8_t>;

inline Bytes toBytes(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

inline std::string toString(ByteView bytes) {
  return std::string(bytes.begin(), bytes.end());
}

inline ByteView asBytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace sztp
