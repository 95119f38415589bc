#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::dhcp {

/// Errors from decoding and encoding the SZTP DHCP options.
enum class DhcpErrc {
  /// The option value holds no octets at all.
  EmptyList = 1,
  /// A uri-length runs past the end of the option value.
  TruncatedList,
  /// Every URI in the option was invalid; the option is discarded (X12).
  NoValidUri,
  /// A URI breaks RFC 8572 §8.3 (not https, has a path, bad host or port...).
  InvalidUri,
  /// The list does not fit a DHCPv6 option or a uri-length (65535 octets).
  ListTooLong,
  /// A DHCPv4/v6 options area is malformed (an option runs past the end).
  TruncatedOption,
  /// The requested option is not present.
  OptionAbsent,
  /// A singleton DHCPv6 option appears more than once (X15).
  DuplicateOption,
};

const ReasonCategory& dhcpCategory() noexcept;

inline std::error_code make_error_code(DhcpErrc e) noexcept {
  return {static_cast<int>(e), dhcpCategory()};
}

}  // namespace sztp::dhcp

template <>
struct std::is_error_code_enum<sztp::dhcp::DhcpErrc> : std::true_type {};
