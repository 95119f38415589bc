#include <gtest/gtest.h>

#include "registry/inventory.h"
#include "registry/records.h"
#include "registry/registry.h"

namespace sztp::registry {
namespace {

using model::ProgressType;

TEST(StageAfter, EveryProgressType) {
  const DeviceStage all[] = {DeviceStage::Registered,    DeviceStage::Contacted,
                             DeviceStage::Bootstrapping, DeviceStage::Rebooting,
                             DeviceStage::Failed,        DeviceStage::Completed};
  for (int t = 0; t < model::kProgressTypeCount; ++t) {
    const auto type = static_cast<ProgressType>(t);
    const std::string name(model::progressTypeName(type));
    SCOPED_TRACE(name);
    for (const auto current : all) {
      const DeviceStage next = stageAfter(current, type);
      if (name.ends_with("-error")) {
        EXPECT_EQ(next, DeviceStage::Failed);
      } else if (type == ProgressType::BootImageInstalledRebooting) {
        EXPECT_EQ(next, DeviceStage::Rebooting);
      } else if (type == ProgressType::BootstrapComplete) {
        EXPECT_EQ(next, DeviceStage::Completed);
      } else if (type == ProgressType::Informational &&
                 (current == DeviceStage::Completed || current == DeviceStage::Failed ||
                  current == DeviceStage::Rebooting)) {
        EXPECT_EQ(next, current);
      } else {
        EXPECT_EQ(next, DeviceStage::Bootstrapping) << deviceStageName(current);
      }
    }
  }
}

TEST(Names, RoundTrip) {
  for (int i = 0; i <= static_cast<int>(ObjectKind::RedirectProfile); ++i) {
    const auto kind = static_cast<ObjectKind>(i);
    EXPECT_EQ(objectKindFromName(objectKindName(kind)), kind);
  }
  for (int i = 0; i <= static_cast<int>(DeviceStage::Completed); ++i) {
    const auto stage = static_cast<DeviceStage>(i);
    EXPECT_EQ(deviceStageFromName(deviceStageName(stage)), stage);
  }
  for (int i = 0; i <= static_cast<int>(DeviceEvent::Kind::Progress); ++i) {
    const auto kind = static_cast<DeviceEvent::Kind>(i);
    EXPECT_EQ(deviceEventKindFromName(deviceEventKindName(kind)), kind);
  }
  EXPECT_EQ(objectKindName(ObjectKind::OnboardingProfile), "onboarding-profile");
  EXPECT_EQ(deviceStageName(DeviceStage::Bootstrapping), "bootstrapping");
  EXPECT_EQ(deviceEventKindName(DeviceEvent::Kind::Rejected), "rejected");
  EXPECT_FALSE(objectKindFromName("device").has_value());
  EXPECT_FALSE(deviceStageFromName("").has_value());
  EXPECT_FALSE(deviceEventKindFromName("Request").has_value());
}

TEST(Names, KindOfAndNameOf) {
  const InventoryObject object = Image{"img", "", "", "a.img", {}, Bytes(32), 0};
  EXPECT_EQ(kindOf(object), ObjectKind::Image);
  EXPECT_EQ(nameOf(object), "img");
  EXPECT_EQ(kindOf(InventoryObject(RedirectProfile{"r", {}})), ObjectKind::RedirectProfile);
}

}  // namespace
}  // namespace sztp::registry
