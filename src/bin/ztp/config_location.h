#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"

namespace sztp::ztp {

struct Location {
  std::filesystem::path stateDirectory;
  std::filesystem::path workDirectory;
};

/// Where the agent keeps its state: `stateDirectory` when given, else what
/// the agent's configuration file says (so ztp and the agent always agree).
Result<Location> locate(const std::string& configPath, const std::string& stateDirectory);

}  // namespace sztp::ztp
