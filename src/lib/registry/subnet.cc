#include "registry/subnet.h"

#include <arpa/inet.h>

#include <array>
#include <cstdint>

namespace sztp::registry {

std::optional<std::string> subnetProblem(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return "subnet has no prefix length (write it as address/length)";
  }
  const std::string address(text.substr(0, slash));
  const std::string_view lengthText = text.substr(slash + 1);
  if (lengthText.empty() || lengthText.size() > 3) {
    return "subnet prefix length is not a number from 0 to 128";
  }
  unsigned length = 0;
  for (const char c : lengthText) {
    if (c < '0' || c > '9') {
      return "subnet prefix length is not a number from 0 to 128";
    }
    length = length * 10 + static_cast<unsigned>(c - '0');
  }
  std::array<std::uint8_t, 16> bytes{};
  std::size_t octets = 0;
  if (inet_pton(AF_INET, address.c_str(), bytes.data()) == 1) {
    octets = 4;
  } else if (inet_pton(AF_INET6, address.c_str(), bytes.data()) == 1) {
    octets = 16;
  } else {
    return "subnet address is not an IPv4 or IPv6 address";
  }
  if (length > octets * 8) {
    return "subnet prefix length exceeds " + std::to_string(octets * 8);
  }
  for (std::size_t bit = length; bit < octets * 8; ++bit) {
    if ((bytes[bit / 8] >> (7 - bit % 8)) & 1U) {
      return "subnet address has bits set beyond the prefix length";
    }
  }
  return std::nullopt;
}

}  // namespace sztp::registry
