#pragma once

#include <sys/types.h>

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

/// Starts `argv` (no shell; argv[0] looked up on PATH) in the background,
/// stdin from /dev/null, stdout and stderr appended to `logFile` (or
/// discarded when it is empty). posix_spawn, never fork (runCommand says
/// why). The pid, or -1 when it cannot be started; the caller reaps it.
pid_t spawnLogged(const std::vector<std::string>& argv, const std::string& logFile);

/// True when `program` is found on PATH.
bool haveProgram(const std::string& program);

/// build/bin/<name> of this build tree.
std::string binaryPath(const std::string& name);

}  // namespace sztp::testutil
