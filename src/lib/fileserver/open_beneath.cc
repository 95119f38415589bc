#include "fileserver/open_beneath.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "fileserver/fileserver_error.h"

namespace sztp::fileserver {
namespace {

constexpr int kOpenFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

std::string joinSegments(const std::vector<std::string>& segments) {
  std::string joined;
  for (const auto& segment : segments) {
    if (!joined.empty()) {
      joined += '/';
    }
    joined += segment;
  }
  return joined.empty() ? "." : joined;
}

Error openError(int error, const std::string& path) {
  const std::string detail = "'" + path + "': " + std::strerror(error);
  switch (error) {
    case EXDEV:
    case ELOOP:
      return Error(FileServerErrc::OutsideRoot, detail);
    case EACCES:
    case EPERM:
      return Error(FileServerErrc::FileUnreadable, detail);
    default:
      return Error(FileServerErrc::FileNotFound, detail);
  }
}

/// The path the kernel knows the descriptor by; every link resolved.
std::string pathOf(int fd) {
  char buffer[PATH_MAX + 1];
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t size = ::readlink(link.c_str(), buffer, PATH_MAX);
  return size > 0 ? std::string(buffer, static_cast<std::size_t>(size)) : std::string();
}

bool isUnder(const std::string& path, const std::string& root) {
  const std::string prefix = root.ends_with('/') ? root : root + "/";
  return path == root || path.starts_with(prefix);
}

/// -1 with errno ENOSYS when the kernel (or a seccomp filter) lacks openat2.
int openat2Beneath(int rootFd, const std::string& relative) {
  struct open_how how {};
  how.flags = static_cast<std::uint64_t>(kOpenFlags);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  int fd = -1;
  do {
    fd = static_cast<int>(::syscall(SYS_openat2, rootFd, relative.c_str(), &how, sizeof how));
  } while (fd < 0 && errno == EINTR);
  return fd;
}

Result<OpenedFile> finish(FileDescriptor fd, const std::string& rootRealPath,
                          const std::string& relative, std::string realPath) {
  OpenedFile opened;
  if (::fstat(fd.get(), &opened.info) != 0) {
    return openError(errno, relative);
  }
  if (realPath.empty()) {
    realPath = pathOf(fd.get());
  }
  if (realPath.empty() || !isUnder(realPath, rootRealPath)) {
    // The descriptor is beneath the root by construction; a path that says
    // otherwise (no /proc, a root moved meanwhile) is not trusted.
    return Error(FileServerErrc::OutsideRoot, "'" + relative + "' resolves to '" + realPath + "'");
  }
  opened.fd = std::move(fd);
  opened.realPath = std::move(realPath);
  return opened;
}

Result<OpenedFile> openWithRealpath(const std::string& rootRealPath, const std::string& relative) {
  const std::string candidate = rootRealPath + "/" + relative;
  char resolved[PATH_MAX + 1];
  if (::realpath(candidate.c_str(), resolved) == nullptr) {
    return openError(errno, relative);
  }
  const std::string realPath(resolved);
  if (!isUnder(realPath, rootRealPath)) {
    return Error(FileServerErrc::OutsideRoot, "'" + relative + "' resolves to '" + realPath + "'");
  }
  int fd = -1;
  do {
    fd = ::open(realPath.c_str(), kOpenFlags | O_NOFOLLOW);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    return openError(errno, relative);
  }
  return finish(FileDescriptor(fd), rootRealPath, relative, realPath);
}

}  // namespace

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Result<OpenedFile> openBeneath(int rootFd, const std::string& rootRealPath,
                               const std::vector<std::string>& segments, ResolveMode mode) {
  const std::string relative = joinSegments(segments);
  if (mode == ResolveMode::Auto) {
    const int fd = openat2Beneath(rootFd, relative);
    if (fd >= 0) {
      return finish(FileDescriptor(fd), rootRealPath, relative, {});
    }
    if (errno != ENOSYS && errno != EPERM) {
      return openError(errno, relative);
    }
    // EPERM: a seccomp filter refusing openat2 (container runtimes did).
    // Permission problems on the file itself give EACCES.
  }
  return openWithRealpath(rootRealPath, relative);
}

}  // namespace sztp::fileserver
