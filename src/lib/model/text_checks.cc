#include "model/text_checks.h"

#include <cstdint>
#include <cstdio>

namespace sztp::model {
namespace {

bool isAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isAsciiDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isAsciiAlnum(char c) {
  return isAsciiAlpha(c) || isAsciiDigit(c);
}
bool isHexDigit(char c) {
  return isAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Decodes one UTF-8 sequence at `i`; returns the code point and advances `i`,
// or returns -1 for an invalid sequence.
long decodeUtf8(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char first = byte(i);
  if (first < 0x80) {
    ++i;
    return first;
  }
  int length = 0;
  long cp = 0;
  long minimum = 0;
  if ((first & 0xE0) == 0xC0) {
    length = 2;
    cp = first & 0x1F;
    minimum = 0x80;
  } else if ((first & 0xF0) == 0xE0) {
    length = 3;
    cp = first & 0x0F;
    minimum = 0x800;
  } else if ((first & 0xF8) == 0xF0) {
    length = 4;
    cp = first & 0x07;
    minimum = 0x10000;
  } else {
    return -1;
  }
  if (i + static_cast<std::size_t>(length) > text.size()) {
    return -1;
  }
  for (int k = 1; k < length; ++k) {
    const unsigned char next = byte(i + static_cast<std::size_t>(k));
    if ((next & 0xC0) != 0x80) {
      return -1;
    }
    cp = (cp << 6) | (next & 0x3F);
  }
  if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return -1;
  }
  i += static_cast<std::size_t>(length);
  return cp;
}

std::string codePointName(long cp) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "U+%04lX", cp);
  return buffer;
}

bool isNoncharacter(long cp) {
  return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

// Zone index of the RFC 6991 patterns, `%[\p{N}\p{L}]+`. Only ASCII letters and
// digits are recognised: classifying other Unicode letters would need tables,
// and interface names are ASCII in practice.
bool isZone(std::string_view zone) {
  if (zone.empty()) {
    return false;
  }
  for (char c : zone) {
    if (!isAsciiAlnum(c)) {
      return false;
    }
  }
  return true;
}

// Splits "addr%zone"; false when a '%' is present with an invalid zone.
bool splitZone(std::string_view text, std::string_view& address) {
  const auto percent = text.find('%');
  if (percent == std::string_view::npos) {
    address = text;
    return true;
  }
  address = text.substr(0, percent);
  return isZone(text.substr(percent + 1));
}

// Dotted quad; `lenientZeros` allows leading zeros as the ipv6-address
// pattern's embedded IPv4 part does ([01]?[0-9]?[0-9]).
bool isDottedQuad(std::string_view text, bool lenientZeros) {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    int value = 0;
    while (i < text.size() && isAsciiDigit(text[i]) && i - start < 3) {
      value = value * 10 + (text[i] - '0');
      ++i;
    }
    const std::size_t digits = i - start;
    if (digits == 0 || value > 255) {
      return false;
    }
    if (!lenientZeros && digits > 1 && text[start] == '0') {
      return false;
    }
    ++parts;
    if (parts == 4) {
      return i == text.size();
    }
    if (i >= text.size() || text[i] != '.') {
      return false;
    }
    ++i;
  }
}

}  // namespace

bool isValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (decodeUtf8(text, i) < 0) {
      return false;
    }
  }
  return true;
}

bool isXmlChar(long cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

std::optional<std::string> xmlCharProblem(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t at = i;
    const long cp = decodeUtf8(text, i);
    if (cp < 0) {
      return "invalid UTF-8 at offset " + std::to_string(at);
    }
    if (!isXmlChar(cp)) {
      return "character " + codePointName(cp) + " at offset " + std::to_string(at) +
             " is not allowed in XML 1.0";
    }
  }
  return std::nullopt;
}

std::optional<std::string> yangStringProblem(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t at = i;
    const long cp = decodeUtf8(text, i);
    if (cp < 0) {
      return "invalid UTF-8 at offset " + std::to_string(at);
    }
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F) {
      return "control character " + codePointName(cp) + " at offset " + std::to_string(at) +
             " is not allowed in a YANG string";
    }
    if (isNoncharacter(cp)) {
      return "Unicode noncharacter at offset " + std::to_string(at) +
             " is not allowed in a YANG string";
    }
  }
  return std::nullopt;
}

bool isIpv4Address(std::string_view text) {
  std::string_view address;
  return splitZone(text, address) && isDottedQuad(address, false);
}

bool isIpv6Address(std::string_view text) {
  std::string_view address;
  if (!splitZone(text, address) || address.size() < 2) {
    return false;
  }
  // RFC 4291 §2.2: up to eight 16-bit groups, one "::" for a run of zero
  // groups, and optionally a trailing dotted quad counting as two groups.
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (address.starts_with("::")) {
    compressed = true;
    i = 2;
    if (i == address.size()) {
      return true;
    }
  } else if (address[0] == ':') {
    return false;
  }
  while (i < address.size()) {
    std::size_t start = i;
    while (i < address.size() && isHexDigit(address[i])) {
      ++i;
    }
    if (i < address.size() && address[i] == '.') {
      // Embedded IPv4 must be the last part.
      if (!isDottedQuad(address.substr(start), true)) {
        return false;
      }
      groups += 2;
      i = address.size();
      break;
    }
    const std::size_t digits = i - start;
    if (digits == 0 || digits > 4) {
      return false;
    }
    ++groups;
    if (i == address.size()) {
      break;
    }
    if (address[i] != ':') {
      return false;
    }
    ++i;
    if (i < address.size() && address[i] == ':') {
      if (compressed) {
        return false;
      }
      compressed = true;
      ++i;
      if (i == address.size()) {
        break;
      }
    } else if (i == address.size()) {
      return false;  // trailing single ':'
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

bool isDomainName(std::string_view text) {
  // ((([a-zA-Z0-9_]([a-zA-Z0-9\-_]){0,61})?[a-zA-Z0-9]\.)*
  //  ([a-zA-Z0-9_]([a-zA-Z0-9\-_]){0,61})?[a-zA-Z0-9]\.?) | \.
  if (text.empty() || text.size() > 253) {
    return false;
  }
  if (text == ".") {
    return true;
  }
  if (text.back() == '.') {
    text.remove_suffix(1);
  }
  std::size_t start = 0;
  while (true) {
    const auto dot = text.find('.', start);
    const std::string_view label =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || !isAsciiAlnum(label.back())) {
      return false;
    }
    if (label.size() > 1 && !(isAsciiAlnum(label[0]) || label[0] == '_')) {
      return false;
    }
    for (std::size_t k = 1; k + 1 < label.size(); ++k) {
      const char c = label[k];
      if (!isAsciiAlnum(c) && c != '-' && c != '_') {
        return false;
      }
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    start = dot + 1;
  }
}

std::optional<std::string> inetHostProblem(std::string_view text) {
  if (isIpv4Address(text) || isIpv6Address(text) || isDomainName(text)) {
    return std::nullopt;
  }
  if (text.empty()) {
    return "an empty string is not an inet:host";
  }
  if (text.front() == '[') {
    return "'" + std::string(text) +
           "' is not an inet:host (IPv6 addresses are written without brackets)";
  }
  return "'" + std::string(text) +
         "' is not an inet:host (neither an IP address nor a domain name)";
}

std::optional<std::string> inetUriProblem(std::string_view text) {
  if (text.empty()) {
    return "an empty string is not an inet:uri";
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c <= 0x20 || c == 0x7F) {
      return "inet:uri contains a space or control character at offset " + std::to_string(i);
    }
  }
  // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'.
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || !isAsciiAlpha(text[0])) {
    return "inet:uri has no scheme (RFC 3986 §3.1 requires 'scheme:')";
  }
  for (std::size_t i = 1; i < colon; ++i) {
    const char c = text[i];
    if (!isAsciiAlnum(c) && c != '+' && c != '-' && c != '.') {
      return "inet:uri scheme contains '" + std::string(1, c) + "'";
    }
  }
  return std::nullopt;
}

}  // namespace sztp::model
