#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace sztp::agentio {

/// The system calls the durable writers make, as an interface so that tests
/// can fail the N-th call for every N and check that nothing is lost or torn
/// (issue 4 item 5). The methods have the POSIX signatures and conventions
/// (-1 and errno on failure).
class FileOps {
 public:
  virtual ~FileOps() = default;
  virtual int open(const char* path, int flags, mode_t mode);
  virtual ssize_t write(int fd, const void* data, std::size_t size);
  virtual int fchmod(int fd, mode_t mode);
  virtual int fsync(int fd);
  virtual int close(int fd);
  virtual int rename(const char* from, const char* to);
  virtual int unlink(const char* path);
};

/// The real system calls.
FileOps& systemFileOps();

/// Replaces `path` with `content` so that after a crash or power loss at any
/// point the path holds either the whole old content or the whole new one:
/// writes `path`.tmp, sets `mode` (exactly, whatever the umask), fsyncs it,
/// renames it over `path`, then fsyncs the directory so the rename itself is
/// durable. On a failure before the rename the old file is untouched and the
/// temporary file is removed; a failure of the final directory fsync is
/// reported although the new content is already in place (it may not survive
/// a power loss). Errors: IoErrc::FileUnwritable naming the path and the call.
Status writeFileAtomically(const std::string& path, ByteView content, mode_t mode,
                           FileOps& ops = systemFileOps());

/// Reads a whole file of at most `maxBytes`. nullopt when it does not exist;
/// IoErrc::FileTooLarge beyond the limit, IoErrc::FileUnreadable otherwise.
Result<std::optional<Bytes>> readFileCapped(const std::string& path, std::size_t maxBytes);

/// "<what> <path>: <strerror(errno)>", the detail of an I/O error.
std::string systemErrorDetail(std::string_view what, const std::string& path, int err);

}  // namespace sztp::agentio
