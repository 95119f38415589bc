#include "dhcp/dhcp_error.h"

#include <array>

namespace sztp::dhcp {
namespace {

constexpr std::array kReasons{
    ReasonInfo{static_cast<int>(DhcpErrc::EmptyList), "dhcp-empty-list",
               "the SZTP redirect option is empty; configure at least one https URI"},
    ReasonInfo{static_cast<int>(DhcpErrc::TruncatedList), "dhcp-truncated-list",
               "a URI length in the SZTP redirect option runs past its end; the DHCP server "
               "must send each URI as a 2-octet length followed by the URI (RFC 8572 §8), "
               "not as plain text"},
    ReasonInfo{static_cast<int>(DhcpErrc::NoValidUri), "dhcp-no-valid-uri",
               "no URI in the SZTP redirect option is valid, so the option is ignored; use "
               "https://host[:port] with no path"},
    ReasonInfo{static_cast<int>(DhcpErrc::InvalidUri), "dhcp-invalid-uri",
               "the URI is not of the form https://host[:port] with no path, query or "
               "fragment (RFC 8572 §8.3)"},
    ReasonInfo{static_cast<int>(DhcpErrc::ListTooLong), "dhcp-list-too-long",
               "the bootstrap server list does not fit in a DHCP option (65535 octets); "
               "list fewer servers"},
    ReasonInfo{static_cast<int>(DhcpErrc::TruncatedOption), "dhcp-truncated-option",
               "the DHCP options area is malformed: an option runs past the end"},
    ReasonInfo{static_cast<int>(DhcpErrc::OptionAbsent), "dhcp-option-absent",
               "the DHCP message carries no SZTP redirect option (143 for DHCPv4, 136 for "
               "DHCPv6); check the DHCP server sends it and the client requests it"},
    ReasonInfo{static_cast<int>(DhcpErrc::DuplicateOption), "dhcp-duplicate-option",
               "the DHCPv6 SZTP redirect option appears more than once; a server must send "
               "one instance only (RFC 8572 §8.2)"},
};

}  // namespace

const ReasonCategory& dhcpCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.dhcp", kReasons);
  return category;
}

}  // namespace sztp::dhcp
