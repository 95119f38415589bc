#include "agentio/step_runner_main.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "agentio/durable_file.h"
#include "agentio/step_record.h"

namespace sztp::agentio {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

int fail(const std::string& dir, const std::string& message) {
  std::cerr << "sztp-step-runner: " << message << "\n";
  if (!dir.empty()) {
    (void)writeFileAtomically(dir + "/runner.log", asBytes(message + "\n"), 0600);
  }
  return 2;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

/// argv[0] as given when it holds a '/', else the first executable regular
/// file of that name on the command's own PATH (or a standard one): the
/// runner's environment is empty, so posix_spawnp's default would not be the
/// command's.
std::string resolveProgram(const std::string& name,
                           const std::map<std::string, std::string>& environment) {
  if (name.find('/') != std::string::npos) {
    return name;
  }
  const auto it = environment.find("PATH");
  const std::string path = it != environment.end() ? it->second : kDefaultPath;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) {
      end = path.size();
    }
    const std::string dir = end > start ? path.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return name;  // posix_spawn then fails with ENOENT, which becomes the result.
}

/// Keeps the last `cap` bytes of everything appended.
class TailBuffer {
 public:
  explicit TailBuffer(std::size_t cap) : cap_(cap) {}
  void append(const char* data, std::size_t size) {
    total_ += size;
    data_.append(data, size);
    // Trim only past twice the cap, so trimming costs O(1) amortised per byte.
    if (data_.size() > 2 * cap_ + 65536) {
      data_.erase(0, data_.size() - cap_);
    }
  }
  std::string take() {
    if (data_.size() > cap_) {
      data_.erase(0, data_.size() - cap_);
    }
    return std::move(data_);
  }
  std::uint64_t omitted() const { return total_ > cap_ ? total_ - cap_ : 0; }

 private:
  std::size_t cap_;
  std::uint64_t total_ = 0;
  std::string data_;
};

struct Spawned {
  pid_t pid = -1;
  int error = 0;
};

Spawned spawnCommand(const StepSpec& spec, int outputFd) {
  std::vector<std::string> envStrings;
  for (const auto& [name, value] : spec.command.environment) {
    envStrings.push_back(name + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& e : envStrings) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> args = spec.command.argv;
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  const std::string program = resolveProgram(args.front(), spec.command.environment);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, outputFd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, outputFd, STDERR_FILENO);
  // Only 0-2: not the runner lock (the runner's liveness must not depend on
  // the command) nor anything else.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so the time limit reaches everything it started.
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  Spawned spawned;
  spawned.error =
      posix_spawn(&spawned.pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  return spawned;
}

void readAvailable(int fd, TailBuffer& tail, bool& eof) {
  char buffer[16384];
  const ssize_t n = ::read(fd, buffer, sizeof buffer);
  if (n > 0) {
    tail.append(buffer, static_cast<std::size_t>(n));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    eof = true;
  }
}

/// Runs the command to its end or its time limit; fills `outcome` and `tail`.
void supervise(const StepSpec& spec, pid_t pid, int readFd, StepOutcome& outcome,
               TailBuffer& tail) {
  const auto start = Clock::now();
  const auto deadline = start + spec.command.timeout;
  std::optional<Clock::time_point> killAt;
  bool eof = false;
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      break;
    }
    const auto now = Clock::now();
    if (!outcome.timedOut && now >= deadline) {
      outcome.timedOut = true;
      ::kill(-pid, SIGTERM);
      killAt = now + spec.killGrace;
    }
    if (killAt && now >= *killAt) {
      ::kill(-pid, SIGKILL);
      killAt.reset();
    }
    if (eof) {
      ::usleep(20 * 1000);
      continue;
    }
    pollfd fd{readFd, POLLIN, 0};
    if (::poll(&fd, 1, 50) > 0) {
      readAvailable(readFd, tail, eof);
    }
  }
  if (outcome.timedOut) {
    // Whatever of the group outlived SIGTERM (a child that ignores it, or
    // was slower than its parent) goes now.
    ::kill(-pid, SIGKILL);
  }
  // What is already in the pipe; background processes the command left
  // running may hold its write end, so stop at "nothing more now" rather
  // than at EOF, and bound the drain.
  ::fcntl(readFd, F_SETFL, O_NONBLOCK);
  for (int i = 0; i < 4096 && !eof; ++i) {
    pollfd fd{readFd, POLLIN, 0};
    if (::poll(&fd, 1, 0) <= 0) {
      break;
    }
    readAvailable(readFd, tail, eof);
  }
  outcome.durationMs =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
    outcome.exitCode = -1;
  } else if (WIFEXITED(status)) {
    outcome.exitCode = outcome.timedOut ? -1 : WEXITSTATUS(status);
  }
}

}  // namespace

int runStepMain(int argc, char** argv) {
  if (argc != 3) {
    return fail("", "usage: sztp-step-runner <step-dir> <lock-fd>");
  }
  const std::string dir = argv[1];
  const std::string_view lockArg = argv[2];
  int lockFd = -1;
  const auto [end, ec] = std::from_chars(lockArg.data(), lockArg.data() + lockArg.size(), lockFd);
  if (ec != std::errc() || end != lockArg.data() + lockArg.size() ||
      ::fcntl(lockFd, F_SETFD, FD_CLOEXEC) != 0) {
    return fail(dir, "the lock descriptor " + std::string(lockArg) + " is not open");
  }
  if (exists(dir + "/" + std::string(kResultFile))) {
    return 0;  // Already ran: never twice.
  }
  auto text = readFileCapped(dir + "/" + std::string(kCommandFile), kMaxRecordBytes);
  if (!text || !text->has_value()) {
    return fail(dir, text ? "no cmd.json in " + dir : text.error().describe());
  }
  auto spec = parseStepSpec(toString(**text));
  if (!spec) {
    return fail(dir, spec.error().describe());
  }
  // For operators and `ztp status`; liveness is decided by the lock.
  (void)writeFileAtomically(dir + "/" + std::string(kRunnerPidFile),
                            asBytes(std::to_string(::getpid()) + "\n"), 0644);

  int pipeFds[2];
  if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
    return fail(dir, std::string("pipe: ") + std::strerror(errno));
  }
  StepOutcome outcome;
  TailBuffer tail(spec->command.maxOutput);
  const Spawned spawned = spawnCommand(*spec, pipeFds[1]);
  ::close(pipeFds[1]);
  if (spawned.error != 0) {
    outcome.exitCode = 127;  // The shell's "command not found or not executable".
    const std::string message = "sztp-step-runner: cannot execute " + spec->command.argv.front() +
                                ": " + std::strerror(spawned.error) + "\n";
    tail.append(message.data(), message.size());
  } else {
    supervise(*spec, spawned.pid, pipeFds[0], outcome, tail);
  }
  ::close(pipeFds[0]);
  outcome.omittedBytes = tail.omitted();
  const std::string output = tail.take();
  if (Status s = writeFileAtomically(dir + "/" + std::string(kOutputFile), asBytes(output), 0600);
      !s) {
    return fail(dir, s.error().describe());
  }
  if (Status s = writeFileAtomically(dir + "/" + std::string(kResultFile),
                                     asBytes(encodeStepOutcome(outcome)), 0600);
      !s) {
    return fail(dir, s.error().describe());
  }
  return 0;
}

}  // namespace sztp::agentio
