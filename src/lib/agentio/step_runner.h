#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

#include "agent/ports.h"

namespace sztp::agentio {

struct DetachedStepRunnerOptions {
  /// Between SIGTERM and SIGKILL at a step's time limit.
  std::chrono::seconds killGrace{10};
};

/// StepRunner whose commands outlive the agent (issue 4 item 5). Each step
/// gets <stepsDir>/<stepDirectoryName(stepId)>/ holding cmd.json, runner.lock,
/// runner.pid, output and result.json, and runs under sztp-step-runner
/// (step_runner_main.h) in a new session. run() waits for that runner (its
/// child) and reads result.json; after an agent restart recover() waits for a
/// runner still holding the step's lock and returns what it recorded, so a
/// step that was started is never started again while its outcome can still
/// be learnt.
class DetachedStepRunner : public agent::StepRunner {
 public:
  /// `runnerPath` is the sztp-step-runner executable (libexec when installed).
  DetachedStepRunner(std::string stepsDir, std::string runnerPath,
                     DetachedStepRunnerOptions options = {});

  // agent::StepRunner
  /// Errors: StepInvalid (empty id or argv), StepAlreadyRunning (a runner
  /// from an earlier agent holds the step), StepCannotStart, IoErrc for the
  /// step directory, StepRunnerFailed / StepRecordInvalid when the runner
  /// recorded nothing usable. A command that ran and failed is a StepResult.
  Result<agent::StepResult> run(const agent::StepCommand& command) override;
  /// result.json present: it. A runner alive (holding runner.lock): waits for
  /// it to end (it enforces the step's time limit), then its result. Neither:
  /// nullopt, the step did not complete (power loss, or never started).
  Result<std::optional<agent::StepResult>> recover(const std::string& stepId) override;
  /// Removes every step directory. Does not stop runners still going.
  void clear() override;

  /// Starts the runner for `command` and returns at once with its pid (the
  /// first half of run(); tests use it to stand for an agent killed mid-step).
  /// The runner is the caller's child: the caller reaps it (waitpid); recover()
  /// does not, as it cannot know whether the pid is still the runner's.
  Result<pid_t> start(const agent::StepCommand& command);

 private:
  Result<std::optional<agent::StepResult>> readResult(const std::string& dir);

  std::string stepsDir_;
  std::string runnerPath_;
  DetachedStepRunnerOptions options_;
};

}  // namespace sztp::agentio
