#pragma once

// DNS as an SZTP source (RFC 8572 §4.2): the device-specific TXT query
// `<serial>._sztp.<domain>` (X6) and the device-independent SRV query
// `_sztp._tcp.<domain>` (X7), built and parsed per RFC 1035. Pure.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "discovery/discovery_error.h"

namespace sztp::discovery {

inline constexpr std::uint16_t kDnsTypeA = 1;
inline constexpr std::uint16_t kDnsTypeCname = 5;
inline constexpr std::uint16_t kDnsTypeTxt = 16;
inline constexpr std::uint16_t kDnsTypeAaaa = 28;
inline constexpr std::uint16_t kDnsTypeSrv = 33;

/// X6: "<serial>._sztp.<domain>". The serial is one label, taken as is.
std::string sztpTxtName(std::string_view serialNumber, std::string_view domain);
/// X7, X17: "_sztp._tcp.<domain>".
std::string sztpSrvName(std::string_view domain);

/// A standard query (opcode 0, RD set, class IN) for `name` and `type`, with
/// an EDNS(0) OPT record advertising `udpPayload` octets (RFC 6891) when it
/// is non-zero. Fails with DnsNameInvalid for an empty label, a label over 63
/// octets or a name over 255 octets.
Result<Bytes> buildDnsQuery(std::uint16_t id, std::string_view name, std::uint16_t type,
                            std::uint16_t udpPayload = 4096);

/// The mDNS group addresses and port (RFC 6762 §3, §22).
inline constexpr const char* kMdnsGroupV4 = "224.0.0.251";
inline constexpr const char* kMdnsGroupV6 = "ff02::fb";
inline constexpr std::uint16_t kMdnsPort = 5353;

/// A one-shot mDNS query (RFC 6762 §5.1) for `name` (normally under
/// `.local`): RD clear (§18.4), no OPT record, class IN, with the QU bit
/// (§5.4) when `unicastResponse`. Sent from a port other than 5353 it is a
/// "legacy unicast" query (§6.7): responders answer with a conventional
/// unicast DNS response to the source address and port that repeats `id`
/// and the question. Same name checks as buildDnsQuery.
Result<Bytes> buildMdnsQuery(std::uint16_t id, std::string_view name, std::uint16_t type,
                             bool unicastResponse = false);

struct SrvRecord {
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 0;
  std::string target;  ///< Without the trailing dot; "." (no service) becomes "".
  bool operator==(const SrvRecord&) const = default;
};

struct DnsAddress {
  std::string name;
  Bytes address;  ///< 4 octets (A) or 16 (AAAA).
};

struct DnsResponse {
  std::uint16_t id = 0;
  std::uint8_t rcode = 0;
  bool truncated = false;  ///< TC: retry over TCP (X10).
  /// TXT records of the asked name (or its CNAME chain): each the list of
  /// its character-strings.
  std::vector<std::vector<Bytes>> txt;
  std::vector<SrvRecord> srv;
  /// A/AAAA from the answer and additional sections (X9 "should include").
  std::vector<DnsAddress> addresses;
};

/// Parses the response to the query `id`/`name`/`type`. Names are
/// decompressed with a jump limit (every pointer must point backwards, so
/// loops are impossible); every length is checked against the message.
/// Fails with DnsMessageMalformed, or DnsReplyMismatch when the id, QR bit or
/// question differ. NXDOMAIN is not an error: rcode 3 and no records.
/// Other non-zero rcodes fail with DnsServerError.
Result<DnsResponse> parseDnsResponse(ByteView message, std::uint16_t id, std::string_view name,
                                     std::uint16_t type);

/// As parseDnsResponse, for the answer to buildMdnsQuery. Differences (RFC
/// 6762): the top bit of every class (QU, cache-flush, §10.2) is ignored; a
/// response without a question is accepted (§6), only records owned by
/// `name` (or its CNAME chain) counting; a non-zero rcode makes the message
/// one to ignore (§18.11): DnsReplyMismatch, like another transaction's.
Result<DnsResponse> parseMdnsResponse(ByteView message, std::uint16_t id, std::string_view name,
                                      std::uint16_t type);

/// The SZTP TXT keys (X8): binary values of ci, oc, ov. Other keys are ignored.
struct SztpTxtData {
  std::optional<Bytes> conveyedInformation;  ///< ci
  std::optional<Bytes> ownerCertificate;     ///< oc
  std::optional<Bytes> ownershipVoucher;     ///< ov
};

/// Reads the key=value strings of one TXT record (RFC 6763 §6): keys are
/// case-insensitive, a string without '=' is a key with no value, only the
/// first occurrence of a key counts (§6.4), values are binary (§6.5).
///
/// Values over 255 octets: a character-string holds at most 255 octets,
/// while RFC 8572 §4.2.4 (X10) expects artifacts of kilobytes. A string that
/// does not begin with a key (1–9 printable ASCII octets, then '=') therefore
/// continues the value of the string before it. Publishers split values so
/// that no continuation begins like "ci=", "oc=" or "ov=" (a decision of this
/// project; the RFC is silent).
SztpTxtData parseSztpTxt(const std::vector<Bytes>& strings);

/// RFC 2782 order: ascending priority; within a priority, a weighted random
/// order. `random(n)` must return a value in [0, n) (injected, no global
/// RNG); records of weight 0 come first in their group's draw order as RFC
/// 2782 says. A target of "." (service decidedly not available) is dropped.
std::vector<SrvRecord> orderSrvRecords(std::vector<SrvRecord> records,
                                       const std::function<std::uint32_t(std::uint32_t)>& random);

}  // namespace sztp::discovery
