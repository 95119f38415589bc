#pragma once

#include <array>
#include <string_view>

// Internal: the JSON and admin API spelling of every registry enum, indexed
// by the enum's value (so each table must follow its enum's order).

namespace sztp::registry::names {

inline constexpr std::array<std::string_view, 7> kObjectKinds{
    "device-type",      "owner", "image", "script", "configuration", "onboarding-profile",
    "redirect-profile",
};
inline constexpr std::array<std::string_view, 6> kDeviceStages{
    "registered", "contacted", "bootstrapping", "rebooting", "failed", "completed",
};
inline constexpr std::array<std::string_view, 4> kEventKinds{"request", "response", "rejected",
                                                             "progress"};
inline constexpr std::array<std::string_view, 2> kSerialAttributes{"subject-serial-number",
                                                                   "common-name"};
inline constexpr std::array<std::string_view, 5> kConditionFields{
    "hw-model", "os-name", "os-version", "source-address", "idevid-issuer"};
inline constexpr std::array<std::string_view, 4> kConditionMatches{"exact", "wildcard", "regex",
                                                                   "subnet"};
inline constexpr std::array<std::string_view, 2> kResponseKinds{"onboarding", "redirect"};
/// model::ConfigurationHandling and model::ReportingLevel, as the YANG modules spell them.
inline constexpr std::array<std::string_view, 2> kHandlings{"merge", "replace"};
inline constexpr std::array<std::string_view, 2> kReportingLevels{"minimal", "verbose"};

template <std::size_t N>
constexpr std::string_view nameAt(const std::array<std::string_view, N>& table, std::size_t index) {
  return index < N ? table[index] : std::string_view("unknown");
}

template <std::size_t N>
constexpr int indexOf(const std::array<std::string_view, N>& table, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (table[i] == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

}  // namespace sztp::registry::names
