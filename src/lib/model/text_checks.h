#pragma once

#include <optional>
#include <string>
#include <string_view>

// Internal: lexical checks for YANG built-in and RFC 6991 types that have no
// home in common/. Each returns a reason when the text is not allowed, or
// nothing when it is; callers add the node path.

namespace sztp::model {

/// RFC 3629 UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool isValidUtf8(std::string_view text);

/// XML 1.0 §2.2 Char production over UTF-8 text: valid UTF-8, no C0 control
/// other than tab, line feed and carriage return, no U+FFFE/U+FFFF.
std::optional<std::string> xmlCharProblem(std::string_view text);

/// True when `cp` is an XML 1.0 Char (for character references).
bool isXmlChar(long cp);

/// YANG `string` (RFC 7950 §9.4): valid UTF-8 without the C0 controls other
/// than tab, line feed and carriage return, and without noncharacters.
std::optional<std::string> yangStringProblem(std::string_view text);

/// ietf-inet-types ipv4-address / ipv6-address, each with an optional zone
/// index ("%eth0"). IPv6 is RFC 4291 §2.2 text without brackets.
bool isIpv4Address(std::string_view text);
bool isIpv6Address(std::string_view text);

/// ietf-inet-types domain-name: the module's pattern and length 1..253.
bool isDomainName(std::string_view text);

/// ietf-inet-types host: ip-address or domain-name.
std::optional<std::string> inetHostProblem(std::string_view text);

/// ietf-inet-types uri: non-empty, an RFC 3986 scheme followed by ':', and no
/// space or control character anywhere.
std::optional<std::string> inetUriProblem(std::string_view text);

}  // namespace sztp::model
