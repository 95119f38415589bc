#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/ports.h"
#include "common/result.h"

namespace sztp::agentio {

// The files of a step directory, shared by DetachedStepRunner (agent side)
// and sztp-step-runner (runner side). Both are JSON so an operator can read
// them; both are parsed as untrusted input (a corrupt disk, a hand edit):
// bounded, every field type-checked, AgentIoErrc::StepRecordInvalid otherwise.

inline constexpr std::string_view kCommandFile = "cmd.json";
inline constexpr std::string_view kResultFile = "result.json";
inline constexpr std::string_view kOutputFile = "output";
inline constexpr std::string_view kRunnerPidFile = "runner.pid";
inline constexpr std::string_view kRunnerLockFile = "runner.lock";
inline constexpr std::size_t kMaxRecordBytes = 1024 * 1024;

/// What the runner is asked to do: the StepCommand plus the kill grace.
struct StepSpec {
  agent::StepCommand command;
  std::chrono::seconds killGrace{10};
};

/// What the runner recorded. `output` is kept in its own file (kOutputFile).
struct StepOutcome {
  int exitCode = -1;  ///< -1 when killed by a signal or the time limit.
  bool timedOut = false;
  int signal = 0;                  ///< The terminating signal, 0 when it exited.
  std::uint64_t omittedBytes = 0;  ///< Output dropped from the head by the cap.
  std::int64_t durationMs = 0;
};

std::string encodeStepSpec(const StepSpec& spec);
Result<StepSpec> parseStepSpec(std::string_view text);
std::string encodeStepOutcome(const StepOutcome& outcome);
Result<StepOutcome> parseStepOutcome(std::string_view text);

/// The directory name for a step id: [A-Za-z0-9_-] and '.' (not leading)
/// kept, every other byte as %XX, so "s3/pre-script" -> "s3%2Fpre-script";
/// injective, never "." or "..", never a path. StepInvalid when the id is
/// empty or the name would exceed 200 bytes.
Result<std::string> stepDirectoryName(std::string_view stepId);

}  // namespace sztp::agentio
