#include "bootstrap/response_selection.h"

#include <arpa/inet.h>
#include <fnmatch.h>

#include <array>
#include <charconv>
#include <cstring>
#include <regex>

namespace sztp::bootstrap {
namespace {

using registry::Condition;

constexpr std::size_t kMaxRegexSubject = 256;

struct ParsedAddress {
  int family = 0;
  std::array<std::uint8_t, 16> bytes{};
  int bits = 0;
};

std::optional<ParsedAddress> parseAddress(const std::string& text) {
  ParsedAddress parsed;
  if (inet_pton(AF_INET, text.c_str(), parsed.bytes.data()) == 1) {
    parsed.family = AF_INET;
    parsed.bits = 32;
    return parsed;
  }
  if (inet_pton(AF_INET6, text.c_str(), parsed.bytes.data()) == 1) {
    // ::ffff:a.b.c.d compares as the IPv4 address it carries.
    static constexpr std::array<std::uint8_t, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(parsed.bytes.data(), kMapped.data(), kMapped.size()) == 0) {
      std::memmove(parsed.bytes.data(), parsed.bytes.data() + 12, 4);
      parsed.family = AF_INET;
      parsed.bits = 32;
      return parsed;
    }
    parsed.family = AF_INET6;
    parsed.bits = 128;
    return parsed;
  }
  return std::nullopt;
}

std::optional<std::string> factValue(Condition::Field field, const RequestFacts& facts) {
  switch (field) {
    case Condition::Field::HwModel:
      return facts.hwModel;
    case Condition::Field::OsName:
      return facts.osName;
    case Condition::Field::OsVersion:
      return facts.osVersion;
    case Condition::Field::SourceAddress:
      return facts.sourceAddress.empty() ? std::nullopt : std::optional(facts.sourceAddress);
    case Condition::Field::IdevidIssuer:
      return facts.idevidIssuer;
  }
  return std::nullopt;
}

std::string_view matchVerb(Condition::Match match) {
  switch (match) {
    case Condition::Match::Exact:
      return "=";
    case Condition::Match::Wildcard:
      return "matches";
    case Condition::Match::Regex:
      return "matches /";
    case Condition::Match::Subnet:
      return "in";
  }
  return "?";
}

std::string describe(const Condition& condition, const std::optional<std::string>& value,
                     bool holds) {
  std::string text(conditionFieldName(condition.field));
  if (!value) {
    return text + " not sent";
  }
  text += " \"" + *value + "\" ";
  if (!holds) {
    text += "not ";
  }
  text += matchVerb(condition.match);
  text += condition.match == Condition::Match::Regex ? "" : " ";
  text += condition.value;
  if (condition.match == Condition::Match::Regex) {
    text += "/";
  }
  return text;
}

}  // namespace

std::string_view conditionFieldName(Condition::Field field) {
  switch (field) {
    case Condition::Field::HwModel:
      return "hw-model";
    case Condition::Field::OsName:
      return "os-name";
    case Condition::Field::OsVersion:
      return "os-version";
    case Condition::Field::SourceAddress:
      return "source-address";
    case Condition::Field::IdevidIssuer:
      return "idevid-issuer";
  }
  return "unknown";
}

bool addressInSubnet(const std::string& address, const std::string& cidr) {
  const auto slash = cidr.find('/');
  const auto network = parseAddress(cidr.substr(0, slash));
  const auto host = parseAddress(address);
  if (!network || !host || network->family != host->family) {
    return false;
  }
  int prefix = network->bits;
  if (slash != std::string::npos) {
    const char* first = cidr.data() + slash + 1;
    const char* last = cidr.data() + cidr.size();
    const auto [end, ec] = std::from_chars(first, last, prefix);
    if (ec != std::errc() || end != last || prefix < 0 || prefix > network->bits) {
      return false;
    }
  }
  for (int bit = 0; bit < prefix; ++bit) {
    const auto mask = static_cast<std::uint8_t>(0x80 >> (bit % 8));
    if ((network->bytes[bit / 8] & mask) != (host->bytes[bit / 8] & mask)) {
      return false;
    }
  }
  return true;
}

bool conditionHolds(const Condition& condition, const std::string& value) {
  switch (condition.match) {
    case Condition::Match::Exact:
      return value == condition.value;
    case Condition::Match::Wildcard:
      return fnmatch(condition.value.c_str(), value.c_str(), 0) == 0;
    case Condition::Match::Regex:
      // Patterns are the operator's and were checked when stored. The value
      // is the device's: libstdc++ matches recursively, so a long value could
      // exhaust the stack; no legitimate model or version string is this long.
      if (value.size() > kMaxRegexSubject) {
        return false;
      }
      try {
        return std::regex_match(value, std::regex(condition.value, std::regex::ECMAScript));
      } catch (const std::regex_error&) {
        return false;
      }
    case Condition::Match::Subnet:
      return condition.field == Condition::Field::SourceAddress &&
             addressInSubnet(value, condition.value);
  }
  return false;
}

std::optional<ResponseChoice> selectResponse(const std::vector<registry::Response>& responses,
                                             const RequestFacts& facts, std::string* why) {
  std::string explanation;
  for (std::size_t i = 0; i < responses.size(); ++i) {
    const auto& response = responses[i];
    if (!explanation.empty()) {
      explanation += "; ";
    }
    explanation += "#" + std::to_string(i + 1) + " '" + response.name + "': ";
    bool holds = true;
    std::string reasons;
    for (const auto& condition : response.conditions) {
      const auto value = factValue(condition.field, facts);
      const bool ok = value && conditionHolds(condition, *value);
      if (!reasons.empty()) {
        reasons += ", ";
      }
      reasons += describe(condition, value, ok);
      if (!ok) {
        holds = false;
        break;
      }
    }
    explanation += response.conditions.empty() ? "no conditions" : reasons;
    if (holds) {
      explanation += " → chosen";
      return ResponseChoice{i, &response, std::move(explanation)};
    }
  }
  if (why != nullptr) {
    *why = responses.empty() ? "the device has no responses" : explanation;
  }
  return std::nullopt;
}

}  // namespace sztp::bootstrap
