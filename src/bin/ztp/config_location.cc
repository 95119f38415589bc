#include "config_location.h"

#include <fstream>
#include <sstream>

#include "agent_config.h"
#include "common/io_error.h"

namespace sztp::ztp {

Result<Location> locate(const std::string& configPath, const std::string& stateDirectory) {
  std::ifstream in(configPath, std::ios::binary);
  if (!in) {
    if (!stateDirectory.empty()) {
      return Location{stateDirectory, std::filesystem::path(stateDirectory) / "work"};
    }
    return Error(IoErrc::FileUnreadable, configPath + " (give --config, or --state-directory)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto config = agentd::parseAgentConfig(text.str(), configPath);
  if (!config) {
    return std::move(config).error();
  }
  Location location{config->stateDirectory, config->onboarding.workDirectory};
  if (!stateDirectory.empty()) {
    location.stateDirectory = stateDirectory;
  }
  return location;
}

}  // namespace sztp::ztp
