#include "agentio/os_release.h"

#include <optional>

#include "common/codec_error.h"

namespace sztp::agentio {
namespace {

constexpr std::size_t kMaxValue = 1024;

bool validKey(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) {
    return false;
  }
  for (const char c : key) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

/// The value of one assignment, or nullopt when it is not well formed.
std::optional<std::string> parseValue(std::string_view raw) {
  if (raw.empty()) {
    return std::string();
  }
  const char quote = raw.front();
  if (quote != '"' && quote != '\'') {
    for (const char c : raw) {
      if (c == '"' || c == '\'' || c == '\\' || c == '`' || c == '$' || c == ' ') {
        return std::nullopt;  // Would need shell evaluation.
      }
    }
    return std::string(raw);
  }
  std::string value;
  std::size_t i = 1;
  for (; i < raw.size() && raw[i] != quote; ++i) {
    char c = raw[i];
    if (quote == '"' && c == '\\' && i + 1 < raw.size()) {
      const char next = raw[i + 1];
      if (next == '"' || next == '\\' || next == '$' || next == '`') {
        c = next;
        ++i;
      }
    } else if (quote == '"' && (c == '$' || c == '`')) {
      return std::nullopt;
    }
    value.push_back(c);
  }
  if (i != raw.size() - 1) {
    return std::nullopt;  // No closing quote, or text after it.
  }
  return value;
}

}  // namespace

Result<std::map<std::string, std::string>> parseOsRelease(std::string_view text) {
  if (text.size() > kMaxOsReleaseBytes) {
    return Error(CodecErrc::InputTooLarge, "os-release larger than 64 KiB");
  }
  std::map<std::string, std::string> fields;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos || !validKey(line.substr(0, eq))) {
      continue;
    }
    auto value = parseValue(line.substr(eq + 1));
    if (!value || value->size() > kMaxValue) {
      continue;
    }
    fields[std::string(line.substr(0, eq))] = std::move(*value);
  }
  return fields;
}

}  // namespace sztp::agentio
