#pragma once

// Internal to sztp_dhcp: the X16 URI check and the printable form used in
// reasons. Public callers use parseBootstrapServerUri (sztp_redirect_option.h).

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "dhcp/sztp_redirect_option.h"

namespace sztp::dhcp {

/// How many octets of a URI the printable form keeps. A bootstrap-server-list
/// entry can be 65535 octets of attacker-chosen data; logs and reports get a
/// bounded prefix and the total length instead.
inline constexpr std::size_t kPrintableLimit = 256;

/// `octets` with every octet outside printable ASCII, and the backslash itself
/// (so the escaping is unambiguous), written as \xNN. Beyond `limit` octets the
/// rest is cut and "...(N octets)" appended.
std::string printable(std::string_view octets, std::size_t limit = kPrintableLimit);

/// The X16 check behind parseBootstrapServerUri. On failure the code is
/// InvalidUri and the detail is the bare reason ("has a path '/restconf'"),
/// without the URI, for callers that report the URI beside it (RejectedUri).
Result<BootstrapServerUri> checkUri(std::string_view uri);

}  // namespace sztp::dhcp
