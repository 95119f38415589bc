#include "metrics/exposition.h"

#include <charconv>
#include <cmath>

namespace sztp::metrics {

void appendLabelValue(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  out += '"';
}

void appendHelpText(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void appendValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc() ? end : buffer);
}

void appendValue(std::string& out, std::uint64_t value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc() ? end : buffer);
}

namespace {

bool isAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

bool isValidMetricName(std::string_view name) {
  if (name.empty() || !(isAlpha(name[0]) || name[0] == ':')) {
    return false;
  }
  for (char c : name) {
    if (!(isAlpha(c) || isDigit(c) || c == ':')) {
      return false;
    }
  }
  return true;
}

bool isValidLabelName(std::string_view name) {
  if (name.empty() || !isAlpha(name[0]) || name.starts_with("__")) {
    return false;
  }
  for (char c : name) {
    if (!(isAlpha(c) || isDigit(c))) {
      return false;
    }
  }
  return true;
}

}  // namespace sztp::metrics
