#include "registry/registry.h"

namespace sztp::registry {

DeviceStage stageAfter(DeviceStage current, model::ProgressType type) {
  using model::ProgressType;
  switch (type) {
    case ProgressType::ParsingError:
    case ProgressType::BootImageError:
    case ProgressType::PreScriptError:
    case ProgressType::ConfigError:
    case ProgressType::PostScriptError:
    case ProgressType::BootstrapError:
      return DeviceStage::Failed;
    case ProgressType::BootImageInstalledRebooting:
      return DeviceStage::Rebooting;
    case ProgressType::BootstrapComplete:
      return DeviceStage::Completed;
    case ProgressType::Informational:
      // An informational report says something; it does not restart anything.
      if (current == DeviceStage::Completed || current == DeviceStage::Failed ||
          current == DeviceStage::Rebooting) {
        return current;
      }
      return DeviceStage::Bootstrapping;
    default:
      // Any other report (initiated, warning, complete of a step, mismatch)
      // means the device is working, including after a failure or a reboot.
      return DeviceStage::Bootstrapping;
  }
}

}  // namespace sztp::registry
