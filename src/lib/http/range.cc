#include "http/range.h"

#include "http/http_error.h"
#include "http/message.h"

namespace sztp::http {
namespace {

bool isOws(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trimOws(std::string_view text) {
  while (!text.empty() && isOws(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && isOws(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

/// 1*DIGIT that fits 64 bits.
std::optional<std::uint64_t> parseNumber(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  return value;
}

Error malformed(std::string_view value, std::string_view why) {
  return Error(HttpErrc::MalformedRange,
               "'" + std::string(value.substr(0, 64)) + "': " + std::string(why));
}

}  // namespace

Result<std::vector<RangeSpec>> parseRangeHeader(std::string_view value) {
  if (value.size() > kMaxRangeHeaderBytes) {
    return Error(HttpErrc::MalformedRange, "the Range header is longer than " +
                                               std::to_string(kMaxRangeHeaderBytes) + " octets");
  }
  const std::string_view original = value;
  value = trimOws(value);
  const auto equals = value.find('=');
  if (equals == std::string_view::npos || lowercase(trimOws(value.substr(0, equals))) != "bytes") {
    return malformed(original, "only the 'bytes' range unit is supported");
  }
  std::string_view rest = value.substr(equals + 1);
  std::vector<RangeSpec> specs;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view element = trimOws(rest.substr(0, comma));
    if (!element.empty()) {
      if (specs.size() == kMaxRangeSpecs) {
        return malformed(original, "more than " + std::to_string(kMaxRangeSpecs) + " ranges");
      }
      const auto dash = element.find('-');
      if (dash == std::string_view::npos) {
        return malformed(original, "a range must contain '-'");
      }
      const std::string_view left = element.substr(0, dash);
      const std::string_view right = element.substr(dash + 1);
      RangeSpec spec;
      if (left.empty()) {
        spec.last = parseNumber(right);
        if (!spec.last) {
          return malformed(original, "a suffix range must be '-' followed by digits");
        }
      } else {
        spec.first = parseNumber(left);
        if (!spec.first) {
          return malformed(original, "a range must start with digits");
        }
        if (!right.empty()) {
          spec.last = parseNumber(right);
          if (!spec.last) {
            return malformed(original, "a range must end with digits or nothing");
          }
          if (*spec.last < *spec.first) {
            return malformed(original, "a range's last position is before its first");
          }
        }
      }
      specs.push_back(spec);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(comma + 1);
  }
  if (specs.empty()) {
    return malformed(original, "no range is given");
  }
  return specs;
}

RangeDecision decideRange(std::optional<std::string_view> header, std::uint64_t size) {
  if (!header) {
    return {};
  }
  auto specs = parseRangeHeader(*header);
  if (!specs || specs->size() != 1) {
    return {};
  }
  const RangeSpec& spec = specs->front();
  if (size == 0) {
    return {RangeKind::Unsatisfiable, {}};
  }
  if (spec.isSuffix()) {
    if (*spec.last == 0) {
      return {RangeKind::Unsatisfiable, {}};
    }
    const std::uint64_t length = *spec.last < size ? *spec.last : size;
    return {RangeKind::Partial, {size - length, size - 1}};
  }
  if (*spec.first >= size) {
    return {RangeKind::Unsatisfiable, {}};
  }
  const std::uint64_t last = spec.last && *spec.last < size ? *spec.last : size - 1;
  return {RangeKind::Partial, {*spec.first, last}};
}

std::string contentRangeHeader(ByteRange range, std::uint64_t size) {
  return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
         std::to_string(size);
}

std::string unsatisfiedContentRangeHeader(std::uint64_t size) {
  return "bytes */" + std::to_string(size);
}

}  // namespace sztp::http
