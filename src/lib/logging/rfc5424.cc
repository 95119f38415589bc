#include "logging/rfc5424.h"

#include <array>
#include <cstdio>

namespace sztp::logging {
namespace {

constexpr std::string_view kNil = "-";
constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

struct FacilityName {
  Facility facility;
  std::string_view name;
};

constexpr std::array kFacilities{
    FacilityName{Facility::Kernel, "kern"},       FacilityName{Facility::User, "user"},
    FacilityName{Facility::Mail, "mail"},         FacilityName{Facility::Daemon, "daemon"},
    FacilityName{Facility::Auth, "auth"},         FacilityName{Facility::Syslog, "syslog"},
    FacilityName{Facility::Lpr, "lpr"},           FacilityName{Facility::News, "news"},
    FacilityName{Facility::Uucp, "uucp"},         FacilityName{Facility::Cron, "cron"},
    FacilityName{Facility::AuthPriv, "authpriv"}, FacilityName{Facility::Ftp, "ftp"},
    FacilityName{Facility::Ntp, "ntp"},           FacilityName{Facility::Audit, "audit"},
    FacilityName{Facility::Alert, "alert"},       FacilityName{Facility::Clock, "clock"},
    FacilityName{Facility::Local0, "local0"},     FacilityName{Facility::Local1, "local1"},
    FacilityName{Facility::Local2, "local2"},     FacilityName{Facility::Local3, "local3"},
    FacilityName{Facility::Local4, "local4"},     FacilityName{Facility::Local5, "local5"},
    FacilityName{Facility::Local6, "local6"},     FacilityName{Facility::Local7, "local7"},
};

bool isPrintUsAscii(unsigned char c) {
  return c >= 33 && c <= 126;
}

/// A header field (§6.2.4–6.2.7): PRINTUSASCII, at most `max` octets, "-" when empty.
std::string headerField(std::string_view value, std::size_t max) {
  if (value.empty()) {
    return std::string(kNil);
  }
  std::string out;
  for (const char c : value.substr(0, max)) {
    out += isPrintUsAscii(static_cast<unsigned char>(c)) ? c : '_';
  }
  return out;
}

/// SD-NAME (§6.3.2, §6.3.3): PRINTUSASCII except '=', SP, ']', '"'; 1–32 octets.
std::string sdName(std::string_view value) {
  std::string out;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (isPrintUsAscii(u) && c != '=' && c != ']' && c != '"') {
      out += c;
    }
    if (out.size() == 32) {
      break;
    }
  }
  return out.empty() ? "_" : out;
}

/// Length of the valid UTF-8 sequence starting at text[i] (RFC 3629), or 0.
std::size_t utf8Length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) {
    return 1;
  }
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    lo = c == 0xE0 ? 0xA0 : 0x80;  // No overlong forms.
    hi = c == 0xED ? 0x9F : 0xBF;  // No surrogates.
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    lo = c == 0xF0 ? 0x90 : 0x80;
    hi = c == 0xF4 ? 0x8F : 0xBF;  // Not above U+10FFFF.
  } else {
    return 0;
  }
  if (i + n > text.size() || byte(i + 1) < lo || byte(i + 1) > hi) {
    return 0;
  }
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
      return 0;
    }
  }
  return n;
}

/// `text` as valid UTF-8: each invalid octet becomes U+FFFD.
std::string validUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8Length(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

/// PARAM-VALUE (§6.3.3): '"', '\' and ']' escaped with '\'.
std::string paramValue(std::string_view value) {
  std::string out;
  for (const char c : validUtf8(value)) {
    if (c == '"' || c == '\\' || c == ']') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

bool isAscii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

/// Longest prefix of valid UTF-8 `text` of at most `max` octets that ends
/// on a character boundary.
std::string_view cutUtf8(std::string_view text, std::size_t max) {
  if (text.size() <= max) {
    return text;
  }
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

}  // namespace

std::optional<Facility> facilityFromName(std::string_view name) {
  for (const auto& f : kFacilities) {
    if (f.name == name) {
      return f.facility;
    }
  }
  return std::nullopt;
}

std::string_view facilityName(Facility facility) {
  for (const auto& f : kFacilities) {
    if (f.facility == facility) {
      return f.name;
    }
  }
  return "unknown";
}

int priority(Facility facility, Severity severity) {
  return static_cast<int>(facility) * 8 + static_cast<int>(severity);
}

std::string formatTimestamp(TimePoint time, std::chrono::microseconds fraction) {
  using namespace std::chrono;
  const auto day = floor<days>(time);
  const year_month_day date(day);
  const hh_mm_ss clock(time - day);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  std::string out(buffer);
  const auto micros = fraction.count();
  if (micros > 0 && micros < 1'000'000) {
    std::snprintf(buffer, sizeof buffer, ".%06lld", static_cast<long long>(micros));
    out += buffer;
  }
  out += 'Z';
  return out;
}

std::string format(const LogRecord& record, const FormatOptions& options) {
  std::string out = "<" + std::to_string(priority(options.facility, record.severity)) + ">1 ";
  out += record.time ? formatTimestamp(*record.time, record.fraction) : std::string(kNil);
  out += ' ';
  out += headerField(record.hostname, 255);
  out += ' ';
  out += headerField(record.appName, 48);
  out += ' ';
  out += headerField(record.procId, 128);
  out += ' ';
  out += headerField(record.msgId, 32);
  out += ' ';
  if (record.structuredData.empty()) {
    out += kNil;
  } else {
    out += '[';
    out += sdName(options.sdId);
    for (const auto& [name, value] : record.structuredData) {
      out += ' ';
      out += sdName(name);
      out += "=\"";
      out += paramValue(value);
      out += '"';
    }
    out += ']';
  }
  std::string message = validUtf8(record.message);
  for (char& c : message) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  if (message.empty()) {
    return out;
  }
  const bool bom = !isAscii(message);
  std::size_t room = std::string::npos;
  if (options.maxLength > 0) {
    const std::size_t used = out.size() + 1 + (bom ? kBom.size() : 0);
    if (used >= options.maxLength) {
      return out;  // No room for any MSG: the header and SD stay whole.
    }
    room = options.maxLength - used;
  }
  out += ' ';
  if (bom) {
    out += kBom;
  }
  out += room == std::string::npos ? std::string_view(message) : cutUtf8(message, room);
  return out;
}

std::string frameOctetCounting(std::string_view message) {
  std::string out = std::to_string(message.size());
  out += ' ';
  out += message;
  return out;
}

}  // namespace sztp::logging
