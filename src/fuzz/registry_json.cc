// Fuzz target: the registry's JSON form (registry/json_codec.h) as the admin
// API receives it. Any bytes are parsed (non-throwing, after a size and depth
// check like every JSON input), then decoded as a device, every object kind,
// an event and an audit record. Whatever decodes must encode and decode back
// to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "registry/json_codec.h"
#include "registry/validation.h"

namespace {

using nlohmann::json;

constexpr std::size_t kMaxBytes = 1 << 20;
constexpr int kMaxDepth = 64;

/// Nesting depth of the JSON text, counted outside strings, without parsing.
bool withinDepth(std::string_view text) {
  int depth = 0;
  bool inString = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (inString) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        inString = false;
      }
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) {
        return false;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

template <class T, class Decode, class Encode>
void roundTrip(const json& value, Decode decode, Encode encode) {
  auto first = decode(value);
  if (!first) {
    // Refusals always say where.
    if (first.error().detail().empty()) {
      std::abort();
    }
    return;
  }
  auto second = decode(json::parse(encode(*first).dump()));
  if (!second || !(*second == *first)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sztp::registry;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (size > kMaxBytes || !withinDepth(text)) {
    return 0;
  }
  const json value = json::parse(text, nullptr, false);
  if (value.is_discarded()) {
    return 0;
  }
  roundTrip<Device>(
      value, [](const json& j) { return deviceFromJson(j); },
      [](const Device& d) { return toJson(d, true); });
  for (int k = 0; k <= static_cast<int>(ObjectKind::RedirectProfile); ++k) {
    const auto kind = static_cast<ObjectKind>(k);
    roundTrip<InventoryObject>(
        value, [kind](const json& j) { return objectFromJson(kind, j); },
        [](const InventoryObject& o) { return toJson(o); });
  }
  roundTrip<DeviceEvent>(
      value, [](const json& j) { return deviceEventFromJson(j); },
      [](const DeviceEvent& e) { return toJson(e); });
  roundTrip<AuditRecord>(
      value, [](const json& j) { return auditRecordFromJson(j); },
      [](const AuditRecord& r) { return toJson(r); });
  // Decoded objects also go through validation, which compiles regexes and
  // parses certificates and subnets taken from the same input.
  if (auto device = deviceFromJson(value)) {
    (void)validateDevice(*device);
  }
  for (int k = 0; k <= static_cast<int>(ObjectKind::RedirectProfile); ++k) {
    if (auto object = objectFromJson(static_cast<ObjectKind>(k), value)) {
      (void)validateObject(*object);
    }
  }
  return 0;
}
