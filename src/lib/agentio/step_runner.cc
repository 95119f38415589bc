#include "agentio/step_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "agentio/agentio_error.h"
#include "agentio/durable_file.h"
#include "agentio/step_record.h"
#include "common/io_error.h"

namespace sztp::agentio {
namespace {

namespace fs = std::filesystem;

/// The fd number the runner finds its lock on (step_runner_main.h).
constexpr int kRunnerLockFd = 3;

std::string file(const std::string& dir, std::string_view name) {
  return dir + "/" + std::string(name);
}

/// True when a runner holds the step's lock. With `wait`, blocks until it
/// no longer does.
Result<bool> runnerHoldsLock(const std::string& dir, bool wait) {
  const std::string path = file(dir, kRunnerLockFile);
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return false;
    }
    return Error(IoErrc::FileUnreadable, systemErrorDetail("open", path, errno));
  }
  while (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
    if (errno == EINTR) {
      continue;
    }
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return true;
    }
    return Error(IoErrc::FileUnreadable, systemErrorDetail("flock", path, err));
  }
  ::close(fd);
  return false;
}

}  // namespace

DetachedStepRunner::DetachedStepRunner(std::string stepsDir, std::string runnerPath,
                                       DetachedStepRunnerOptions options)
    : stepsDir_(std::move(stepsDir)), runnerPath_(std::move(runnerPath)), options_(options) {}

Result<pid_t> DetachedStepRunner::start(const agent::StepCommand& command) {
  if (command.argv.empty() || command.argv.front().empty()) {
    return Error(AgentIoErrc::StepInvalid, "step " + command.stepId + " has no command");
  }
  auto name = stepDirectoryName(command.stepId);
  if (!name) {
    return std::move(name).error();
  }
  const std::string dir = stepsDir_ + "/" + *name;
  auto busy = runnerHoldsLock(dir, false);
  if (!busy) {
    return std::move(busy).error();
  }
  if (*busy) {
    return Error(AgentIoErrc::StepAlreadyRunning, command.stepId);
  }
  // A directory left without a live runner is from a run that never
  // completed (or a completed one being run again on purpose): start afresh.
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) {
    return Error(IoErrc::FileUnwritable, "create " + dir + ": " + ec.message());
  }
  StepSpec spec{command, options_.killGrace};
  if (spec.command.timeout.count() < 1) {
    spec.command.timeout = std::chrono::seconds(1);
  }
  if (Status s = writeFileAtomically(file(dir, kCommandFile), asBytes(encodeStepSpec(spec)), 0600);
      !s) {
    return std::move(s).error();
  }
  // The lock is taken here and handed down, not taken by the runner, so
  // that there is no moment when the runner lives without holding it.
  const std::string lockPath = file(dir, kRunnerLockFile);
  const int lockFd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lockFd < 0) {
    return Error(IoErrc::FileUnwritable, systemErrorDetail("open", lockPath, errno));
  }
  if (::flock(lockFd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(lockFd);
    return Error(AgentIoErrc::StepAlreadyRunning, systemErrorDetail("flock", lockPath, err));
  }
  // Above the fd the runner expects it at, so the dup2 below always makes a
  // new, inheritable descriptor.
  const int highFd = ::fcntl(lockFd, F_DUPFD_CLOEXEC, 10);
  ::close(lockFd);
  if (highFd < 0) {
    return Error(AgentIoErrc::StepCannotStart, std::string("dup: ") + std::strerror(errno));
  }
  std::string dirArg = dir;
  std::string fdArg = std::to_string(kRunnerLockFd);
  std::string program = runnerPath_;
  char* argv[] = {program.data(), dirArg.data(), fdArg.data(), nullptr};
  char* envp[] = {nullptr};  // The runner needs nothing; the command gets cmd.json's.

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_adddup2(&actions, highFd, kRunnerLockFd);
  posix_spawn_file_actions_addclosefrom_np(&actions, kRunnerLockFd + 1);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigdefault(&attr, &all);
  // A new session: no controlling terminal, not in the agent's process
  // group, so signals aimed at the agent (Ctrl-C, kill of its group) do not
  // reach the step.
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  // posix_spawn, not fork: the agent has threads (see testutil/command.cc).
  const int err = posix_spawn(&pid, program.c_str(), &actions, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(highFd);
  if (err != 0) {
    return Error(AgentIoErrc::StepCannotStart, runnerPath_ + ": " + std::strerror(err));
  }
  return pid;
}

Result<agent::StepResult> DetachedStepRunner::run(const agent::StepCommand& command) {
  auto pid = start(command);
  if (!pid) {
    return std::move(pid).error();
  }
  int status = 0;
  while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  const std::string dir = stepsDir_ + "/" + *stepDirectoryName(command.stepId);
  // Normally free by now; if waitpid failed (a SIGCHLD handler elsewhere
  // reaped the runner) the lock is what tells us the runner is done.
  if (auto held = runnerHoldsLock(dir, true); !held) {
    return std::move(held).error();
  }
  auto result = readResult(dir);
  if (!result) {
    return std::move(result).error();
  }
  if (!result->has_value()) {
    std::string detail = "step " + command.stepId + ": runner exit status " +
                         std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    if (auto log = readFileCapped(file(dir, "runner.log"), 4096); log && log->has_value()) {
      detail += ": " + toString(**log);
    }
    return Error(AgentIoErrc::StepRunnerFailed, detail);
  }
  return std::move(**result);
}

Result<std::optional<agent::StepResult>> DetachedStepRunner::recover(const std::string& stepId) {
  auto name = stepDirectoryName(stepId);
  if (!name) {
    return std::move(name).error();
  }
  const std::string dir = stepsDir_ + "/" + *name;
  auto result = readResult(dir);
  if (!result || result->has_value()) {
    return result;
  }
  // The runner enforces the step's time limit, so this wait is bounded.
  if (auto held = runnerHoldsLock(dir, true); !held) {
    return std::move(held).error();
  }
  return readResult(dir);
}

void DetachedStepRunner::clear() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(stepsDir_, ec)) {
    std::error_code ignored;
    fs::remove_all(entry.path(), ignored);
  }
}

Result<std::optional<agent::StepResult>> DetachedStepRunner::readResult(const std::string& dir) {
  auto text = readFileCapped(file(dir, kResultFile), kMaxRecordBytes);
  if (!text) {
    return std::move(text).error();
  }
  if (!text->has_value()) {
    return std::optional<agent::StepResult>();
  }
  auto outcome = parseStepOutcome(toString(**text));
  if (!outcome) {
    return std::move(outcome).error().addContext(file(dir, kResultFile));
  }
  agent::StepResult result;
  result.exitCode = outcome->exitCode;
  result.timedOut = outcome->timedOut;
  // Written before result.json, so present; the cap is the runner's largest.
  auto output = readFileCapped(file(dir, kOutputFile), 64 * 1024 * 1024);
  if (!output) {
    return std::move(output).error();
  }
  if (output->has_value()) {
    result.output = toString(**output);
  }
  return std::optional<agent::StepResult>(std::move(result));
}

}  // namespace sztp::agentio
