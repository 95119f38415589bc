#pragma once

#include <optional>
#include <string>
#include <string_view>

// Internal: the check of Subnet condition values.

namespace sztp::registry {

/// Why `text` is not a CIDR prefix ("10.0.0.0/8", "2001:db8::/32"): the
/// address must parse (inet_pton), the length must be decimal and within
/// 0..32 or 0..128, and the host bits must be zero (so "10.1.2.3/8", most
/// likely a typo, is refused rather than silently widened).
std::optional<std::string> subnetProblem(std::string_view text);

}  // namespace sztp::registry
