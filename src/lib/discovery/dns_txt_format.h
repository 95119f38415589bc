#pragma once

// The publisher's side of the SZTP TXT record (RFC 8572 §4.2.2, X6, X8,
// X10): ci/oc/ov as character-strings that parseSztpTxt reads back exactly,
// and their zone-file presentation form (RFC 1035 §5.1). Pure.

#include <cstddef>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "discovery/dns_messages.h"

namespace sztp::discovery {

/// The most octets of one character-string (RFC 1035 §3.3).
inline constexpr std::size_t kMaxCharacterString = 255;
/// The most RDATA octets of one resource record (RFC 1035 §3.2.1, X10).
inline constexpr std::size_t kMaxRdata = 65535;

/// The character-strings of the TXT record holding `data`: "ci=…", "oc=…",
/// "ov=…" in that order (absent keys omitted), each value split over as many
/// strings as it needs, each at most 255 octets. Split points are chosen so
/// that no continuation string begins like a key (1–9 printable ASCII octets
/// then '=', the rule of parseSztpTxt), moving a split back by at most nine
/// octets. parseSztpTxt(formatSztpTxt(d)) == d for every d.
std::vector<Bytes> formatSztpTxt(const SztpTxtData& data);

/// The RDATA length of a TXT record of `strings`: one length octet per
/// string plus its octets. A record is publishable while this is at most
/// kMaxRdata; data that large should rather be a redirect (X10).
std::size_t txtRdataLength(const std::vector<Bytes>& strings);

/// The zone-file form of `strings`: each a quoted string, separated by one
/// space. Printable ASCII stays as is; '"', '\\' and every other octet are
/// written as \DDD (three decimal digits), which BIND, NSD and Knot all read.
std::string txtPresentation(const std::vector<Bytes>& strings);

}  // namespace sztp::discovery
