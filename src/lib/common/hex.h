#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace sztp {

/// yang:hex-string, lower case, octets separated by ':' (A15).
std::string hexStringEncode(ByteView data);

/// Parses yang:hex-string ("ba:ec:..."); the empty string is the empty value.
Result<Bytes> hexStringDecode(std::string_view text);

/// Plain hex, two digits per octet, no separators (lower case on output).
std::string hexEncode(ByteView data);

/// Accepts plain hex, optionally with ':', ' ' or '-' between octets, and an
/// optional "0x" prefix, as operators paste it from dnsmasq, Kea or Wireshark.
Result<Bytes> hexDecodeLenient(std::string_view text);

}  // namespace sztp
