#pragma once

#include <filesystem>

namespace sztp::agentio {

/// The files of the agent's state directory (default /var/lib/sztp-agent),
/// shared by sztp-agent and the ztp command. Only the agent writes state.json;
/// ztp reads it, and changes the others only as documented in docs/agent.md.
struct StateLayout {
  std::filesystem::path directory;

  std::filesystem::path stateFile() const { return directory / "state.json"; }
  /// Present = SZTP is disabled (D2: the flag is on by default, so "off" is
  /// the file's presence; `ztp disable` creates it, `ztp enable` removes it).
  std::filesystem::path disabledFlag() const { return directory / "disabled"; }
  std::filesystem::path pidFile() const { return directory / "agent.pid"; }
  std::filesystem::path lockFile() const { return directory / "agent.lock"; }
  std::filesystem::path stepsDirectory() const { return directory / "steps"; }
};

}  // namespace sztp::agentio
