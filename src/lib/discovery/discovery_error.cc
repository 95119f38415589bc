#include "discovery/discovery_error.h"

#include <array>

namespace sztp::discovery {
namespace {

#define SZTP_REASON(e, code, text)                 \
  ReasonInfo {                                     \
    static_cast<int>(DiscoveryErrc::e), code, text \
  }

constexpr std::array kReasons{
    SZTP_REASON(InputTooLarge, "discovery-input-too-large",
                "a lease file, packet or removable-storage file is larger than the agent "
                "accepts; it is ignored"),
    SZTP_REASON(LeaseMalformed, "discovery-lease-malformed",
                "a DHCP client's lease file cannot be parsed; it is ignored"),
    SZTP_REASON(DhcpMessageMalformed, "discovery-dhcp-malformed",
                "a DHCP message is malformed; it is ignored"),
    SZTP_REASON(DhcpReplyMismatch, "discovery-dhcp-reply-mismatch",
                "a DHCP message is not the answer to the agent's request (type, transaction "
                "id or client id differ); it is ignored"),
    SZTP_REASON(DnsMessageMalformed, "discovery-dns-malformed",
                "a DNS answer is malformed; it is ignored"),
    SZTP_REASON(DnsReplyMismatch, "discovery-dns-reply-mismatch",
                "a DNS message is not the answer to the agent's query (id or question "
                "differ); it is ignored"),
    SZTP_REASON(DnsServerError, "discovery-dns-server-error",
                "the DNS server answered the query with an error; check the name server"),
    SZTP_REASON(DnsNameInvalid, "discovery-dns-name-invalid",
                "the DNS name to query is not valid (a label over 63 octets or a name over "
                "255); check the configured domain and the serial number"),
    SZTP_REASON(StorageIncomplete, "discovery-storage-incomplete",
                "removable storage holds conveyed information with only one of the owner "
                "certificate and the ownership voucher; signed data needs both"),
    SZTP_REASON(Timeout, "discovery-timeout",
                "no answer arrived in time from the DHCP or DNS server"),
    SZTP_REASON(SourceUnavailable, "discovery-source-unavailable",
                "a socket, interface or file needed by a discovery source is unavailable"),
};

#undef SZTP_REASON

}  // namespace

const ReasonCategory& discoveryCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.discovery", kReasons);
  return category;
}

}  // namespace sztp::discovery
