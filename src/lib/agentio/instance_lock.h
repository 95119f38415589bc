#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sztp::agentio {

/// An exclusive flock(2) on <state-dir>/agent.lock, held for the life of the
/// object, so that two agents never work on one state directory. The kernel
/// drops the lock when the process dies, so a crash leaves no stale lock. The
/// descriptor is close-on-exec: step runners and commands do not inherit it.
class InstanceLock {
 public:
  /// Creates the file if needed. AgentIoErrc::AgentAlreadyRunning when
  /// another open file description holds the lock (another process, or
  /// another InstanceLock in this one); IoErrc::FileUnwritable when the file
  /// cannot be opened.
  static Result<InstanceLock> acquire(const std::string& path);

  InstanceLock(InstanceLock&& other) noexcept;
  InstanceLock& operator=(InstanceLock&& other) noexcept;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  ~InstanceLock();

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// The agent's pid file, which `ztp disable` reads to send SIGTERM. Written
/// atomically ("<pid>\n", mode 0644).
Status writePidFile(const std::string& path, pid_t pid);

/// The pid in `path` if that process is alive and its command line
/// (/proc/<pid>/cmdline) contains `programName`; nullopt when the file is
/// absent, malformed or stale (the process is gone, or the pid was reused by
/// another program). Errors only when the file exists but cannot be read.
Result<std::optional<pid_t>> readLivePid(const std::string& path,
                                         std::string_view programName = "sztp-agent",
                                         const std::string& procDir = "/proc");

/// Removes the pid file; absent is success.
Status removePidFile(const std::string& path);

}  // namespace sztp::agentio
