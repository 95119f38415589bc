#pragma once

#include <system_error>

#include "common/error.h"

namespace sztp::agentio {

/// Errors of the agent's Linux ports (state store, step runner, platform)
/// that are not plain file errors; those use IoErrc (common/io_error.h). The
/// detail names the path, step or system reason.
enum class AgentIoErrc {
  /// Another agent holds the instance lock of the state directory.
  AgentAlreadyRunning = 1,
  /// A step has no id, an id too long for a directory name, or an empty argv.
  StepInvalid,
  /// The step runner program could not be started.
  StepCannotStart,
  /// A step's runner is still running (from an earlier agent) when asked to run it again.
  StepAlreadyRunning,
  /// The step runner ended without recording a result.
  StepRunnerFailed,
  /// A step record (cmd.json, result.json) is corrupt.
  StepRecordInvalid,
  /// A system facility (statvfs, /proc) did not answer.
  SystemQueryFailed,
};

const ReasonCategory& agentIoCategory() noexcept;

inline std::error_code make_error_code(AgentIoErrc e) noexcept {
  return {static_cast<int>(e), agentIoCategory()};
}

}  // namespace sztp::agentio

template <>
struct std::is_error_code_enum<sztp::agentio::AgentIoErrc> : std::true_type {};
