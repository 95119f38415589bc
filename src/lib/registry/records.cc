#include "registry/records.h"

#include "registry/enum_names.h"

namespace sztp::registry {

static_assert(static_cast<int>(DeviceEvent::Kind::Progress) == 3);

std::string_view deviceEventKindName(DeviceEvent::Kind kind) {
  return names::nameAt(names::kEventKinds, static_cast<std::size_t>(kind));
}

std::optional<DeviceEvent::Kind> deviceEventKindFromName(std::string_view name) {
  const int index = names::indexOf(names::kEventKinds, name);
  return index < 0 ? std::nullopt : std::optional(static_cast<DeviceEvent::Kind>(index));
}

}  // namespace sztp::registry
