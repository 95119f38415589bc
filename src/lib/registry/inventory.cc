#include "registry/inventory.h"

#include <type_traits>

#include "registry/enum_names.h"

namespace sztp::registry {

// The variant's alternatives are in ObjectKind order (inventory.h), which
// kindOf relies on.
static_assert(std::variant_size_v<InventoryObject> == names::kObjectKinds.size());
static_assert(std::is_same_v<std::variant_alternative_t<0, InventoryObject>, DeviceType>);
static_assert(std::is_same_v<std::variant_alternative_t<1, InventoryObject>, Owner>);
static_assert(std::is_same_v<std::variant_alternative_t<2, InventoryObject>, Image>);
static_assert(std::is_same_v<std::variant_alternative_t<3, InventoryObject>, Script>);
static_assert(std::is_same_v<std::variant_alternative_t<4, InventoryObject>, Configuration>);
static_assert(std::is_same_v<std::variant_alternative_t<5, InventoryObject>, OnboardingProfile>);
static_assert(std::is_same_v<std::variant_alternative_t<6, InventoryObject>, RedirectProfile>);
static_assert(static_cast<int>(ObjectKind::RedirectProfile) == 6);
static_assert(static_cast<int>(DeviceStage::Completed) == 5);

ObjectKind kindOf(const InventoryObject& object) {
  return static_cast<ObjectKind>(object.index());
}

const std::string& nameOf(const InventoryObject& object) {
  return std::visit([](const auto& value) -> const std::string& { return value.name; }, object);
}

std::string_view objectKindName(ObjectKind kind) {
  return names::nameAt(names::kObjectKinds, static_cast<std::size_t>(kind));
}

std::optional<ObjectKind> objectKindFromName(std::string_view name) {
  const int index = names::indexOf(names::kObjectKinds, name);
  return index < 0 ? std::nullopt : std::optional(static_cast<ObjectKind>(index));
}

std::string_view deviceStageName(DeviceStage stage) {
  return names::nameAt(names::kDeviceStages, static_cast<std::size_t>(stage));
}

std::optional<DeviceStage> deviceStageFromName(std::string_view name) {
  const int index = names::indexOf(names::kDeviceStages, name);
  return index < 0 ? std::nullopt : std::optional(static_cast<DeviceStage>(index));
}

}  // namespace sztp::registry
