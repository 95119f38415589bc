#pragma once

#include <sys/stat.h>

#include <string>
#include <vector>

#include "common/result.h"

namespace sztp::fileserver {

/// An open file descriptor, closed on destruction.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

/// How a path is resolved under the root.
enum class ResolveMode {
  /// openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) when the kernel has it
  /// (Linux 5.6+), else RealpathCheck.
  Auto,
  /// realpath() of root + path must stay under the root's real path; the
  /// result is opened with O_NOFOLLOW. For kernels (or seccomp profiles)
  /// without openat2; the tests force it to cover both.
  RealpathCheck,
};

/// A file opened under the root.
struct OpenedFile {
  FileDescriptor fd;
  struct stat info {};
  /// The file's absolute path with every symbolic link resolved, for the
  /// transport to open again (http::FileBody::path).
  std::string realPath;
};

/// Opens `segments` (already decoded and free of "."/"..", see
/// http::decodePathSegments) read-only under the directory `rootFd`, whose
/// real path is `rootRealPath`. Symbolic links are followed only while they
/// stay inside the root; absolute links count as leaving it under openat2.
/// Opens with O_NONBLOCK so a FIFO cannot stall the caller. Errors:
/// FileServerErrc::FileNotFound (absent, or a path through a non-directory),
/// OutsideRoot (a link leads out), FileUnreadable (permission denied).
/// Callers check the file type themselves from `info`.
Result<OpenedFile> openBeneath(int rootFd, const std::string& rootRealPath,
                               const std::vector<std::string>& segments,
                               ResolveMode mode = ResolveMode::Auto);

}  // namespace sztp::fileserver
