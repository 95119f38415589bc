#include "agentio/sources/source_removable_storage.h"

#include <filesystem>

#include "agentio/sources/source_files.h"
#include "discovery/removable_storage.h"

namespace sztp::agentio {

RemovableStorageSource::RemovableStorageSource(RemovableStorageConfig config)
    : config_(std::move(config)) {}

Result<std::vector<agent::SourceYield>> RemovableStorageSource::discover() {
  std::vector<agent::SourceYield> out;
  for (const auto& root : config_.roots) {
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) {
      continue;
    }
    auto found = discovery::findStorageBootstrappingData(
        config_.serialNumber, [&](const std::string& relative, std::size_t maxBytes) {
          return readFileCapped(underRoot(root, relative), maxBytes, /*noFollow=*/true);
        });
    if (!found) {
      Error error = std::move(found).error();
      error.addContext("removable storage " + root);
      return error;
    }
    if (!*found) {
      continue;
    }
    agent::SourceYield yield;
    yield.kind = agent::SourceKind::RemovableStorage;
    yield.origin = "removable storage " + underRoot(root, (*found)->directory);
    yield.data = std::move((*found)->data);
    out.push_back(std::move(yield));
  }
  return out;
}

}  // namespace sztp::agentio
