#include "agentio/agentio_error.h"

#include <array>

namespace sztp::agentio {
namespace {

constexpr std::array kReasons{
    ReasonInfo{static_cast<int>(AgentIoErrc::AgentAlreadyRunning), "agent-already-running",
               "another sztp-agent is running on this state directory; stop it (ztp disable) "
               "or wait for it to finish"},
    ReasonInfo{static_cast<int>(AgentIoErrc::StepInvalid), "step-invalid",
               "a step has no id, an overlong id or no command; this is a bug in the agent"},
    ReasonInfo{static_cast<int>(AgentIoErrc::StepCannotStart), "step-cannot-start",
               "the step runner cannot be started; check that sztp-step-runner is installed "
               "and the steps directory is writable"},
    ReasonInfo{static_cast<int>(AgentIoErrc::StepAlreadyRunning), "step-already-running",
               "a step is still running from an earlier agent; wait for it to finish"},
    ReasonInfo{static_cast<int>(AgentIoErrc::StepRunnerFailed), "step-runner-failed",
               "the step runner ended without recording a result; check the step directory "
               "and the system log"},
    ReasonInfo{static_cast<int>(AgentIoErrc::StepRecordInvalid), "step-record-invalid",
               "a step record in the steps directory is corrupt; erase the state (ztp erase) "
               "to provision again"},
    ReasonInfo{static_cast<int>(AgentIoErrc::SystemQueryFailed), "system-query-failed",
               "the operating system did not answer a query (free space, process table); "
               "check the path and that /proc is mounted"},
};

}  // namespace

const ReasonCategory& agentIoCategory() noexcept {
  // Function-local so initialisation order across libraries cannot matter.
  static const ReasonCategory category("sztp.agentio", kReasons);
  return category;
}

}  // namespace sztp::agentio
