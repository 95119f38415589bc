#pragma once

#include <string>
#include <vector>

namespace sztp::testutil {

struct CommandResult {
  int exitCode = -1;   ///< -1 when the program could not be run or was killed.
  std::string output;  ///< stdout and stderr, interleaved.
};

/// Runs `argv` (no shell) with a time limit, capturing its output. Used to
/// drive real counterparts: the openssl CLI, our own binaries.
CommandResult runCommand(const std::vector<std::string>& argv, int timeoutSeconds = 60);

/// True when `program` is found on PATH.
bool haveProgram(const std::string& program);

/// build/bin/<name> of this build tree.
std::string binaryPath(const std::string& name);

}  // namespace sztp::testutil
