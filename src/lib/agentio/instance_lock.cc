#include "agentio/instance_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "agentio/agentio_error.h"
#include "agentio/durable_file.h"
#include "common/io_error.h"

namespace sztp::agentio {

Result<InstanceLock> InstanceLock::acquire(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error(IoErrc::FileUnwritable, systemErrorDetail("open", path, errno));
  }
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EINTR) {
      continue;
    }
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Error(AgentIoErrc::AgentAlreadyRunning, path + " is locked");
    }
    return Error(IoErrc::FileUnwritable, systemErrorDetail("flock", path, err));
  }
  return InstanceLock(fd);
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

InstanceLock& InstanceLock::operator=(InstanceLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) {
    ::close(fd_);  // Closing the last descriptor releases the flock.
  }
}

Status writePidFile(const std::string& path, pid_t pid) {
  return writeFileAtomically(path, asBytes(std::to_string(pid) + "\n"), 0644);
}

Result<std::optional<pid_t>> readLivePid(const std::string& path, std::string_view programName,
                                         const std::string& procDir) {
  auto content = readFileCapped(path, 64);
  if (!content) {
    if (content.error() == make_error_code(IoErrc::FileTooLarge)) {
      return std::optional<pid_t>();  // Not a pid file we wrote: treat as stale.
    }
    return std::move(content).error();
  }
  if (!content->has_value()) {
    return std::optional<pid_t>();
  }
  std::string text = toString(**content);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  pid_t pid = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc() || end != text.data() + text.size() || pid <= 1) {
    return std::optional<pid_t>();
  }
  // EPERM means it exists but belongs to someone else; the cmdline decides.
  if (::kill(pid, 0) != 0 && errno != EPERM) {
    return std::optional<pid_t>();
  }
  auto cmdline = readFileCapped(procDir + "/" + std::to_string(pid) + "/cmdline", 64 * 1024);
  if (!cmdline || !cmdline->has_value()) {
    return std::optional<pid_t>();
  }
  // cmdline is NUL-separated arguments; a substring match of the program
  // name over it is what `pgrep -f` does, and it sees argv[0] as a path.
  const std::string args = toString(**cmdline);
  if (args.find(programName) == std::string::npos) {
    return std::optional<pid_t>();
  }
  return std::optional<pid_t>(pid);
}

Status removePidFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Error(IoErrc::FileUnwritable, systemErrorDetail("unlink", path, errno));
  }
  return {};
}

}  // namespace sztp::agentio
