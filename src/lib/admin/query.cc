#include "admin/query.h"

#include <algorithm>
#include <charconv>

#include "admin/admin_error.h"

namespace sztp::admin {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

bool hasControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) {
        return std::nullopt;
      }
      const int high = hexValue(text[i + 1]);
      const int low = hexValue(text[i + 2]);
      if (high < 0 || low < 0) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plusIsSpace) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string percentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0x0f]);
    }
  }
  return out;
}

Result<Query> Query::parse(std::string_view query,
                           std::initializer_list<std::string_view> allowed) {
  Query parsed;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const auto eq = pair.find('=');
    auto name = percentDecode(pair.substr(0, eq), true);
    auto value = percentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!name || !value) {
      return Error(AdminErrc::InvalidParameter,
                   "malformed percent-encoding in '" + std::string(pair) + "'");
    }
    if (hasControl(*name) || hasControl(*value)) {
      return Error(AdminErrc::InvalidParameter, "control character in parameter " + *name);
    }
    if (std::find(allowed.begin(), allowed.end(), *name) == allowed.end()) {
      std::string known;
      for (const auto& a : allowed) {
        known += known.empty() ? "" : ", ";
        known += a;
      }
      return Error(AdminErrc::InvalidParameter,
                   "unknown parameter '" + *name + "'" +
                       (known.empty() ? std::string(" (this resource takes none)")
                                      : " (this resource takes " + known + ")"));
    }
    parsed.values_.emplace_back(std::move(*name), std::move(*value));
  }
  return parsed;
}

std::optional<std::string> Query::get(std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::string Query::getOr(std::string_view name, std::string fallback) const {
  auto value = get(name);
  return value ? std::move(*value) : std::move(fallback);
}

Result<std::int64_t> Query::integer(std::string_view name, std::int64_t fallback, std::int64_t min,
                                    std::int64_t max) const {
  const auto text = get(name);
  if (!text) {
    return fallback;
  }
  std::int64_t value = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || value < min || value > max) {
    return Error(AdminErrc::InvalidParameter,
                 std::string(name) + "=" + *text + ": expected an integer from " +
                     std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Result<bool> Query::boolean(std::string_view name, bool fallback) const {
  const auto text = get(name);
  if (!text) {
    return fallback;
  }
  if (*text == "true" || *text == "1" || text->empty()) {
    return true;
  }
  if (*text == "false" || *text == "0") {
    return false;
  }
  return Error(AdminErrc::InvalidParameter,
               std::string(name) + "=" + *text + ": expected true or false");
}

}  // namespace sztp::admin
