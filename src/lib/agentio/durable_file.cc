#include "agentio/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/io_error.h"

namespace sztp::agentio {

int FileOps::open(const char* path, int flags, mode_t mode) {
  return ::open(path, flags, mode);
}
ssize_t FileOps::write(int fd, const void* data, std::size_t size) {
  return ::write(fd, data, size);
}
int FileOps::fchmod(int fd, mode_t mode) {
  return ::fchmod(fd, mode);
}
int FileOps::fsync(int fd) {
  return ::fsync(fd);
}
int FileOps::close(int fd) {
  return ::close(fd);
}
int FileOps::rename(const char* from, const char* to) {
  return ::rename(from, to);
}
int FileOps::unlink(const char* path) {
  return ::unlink(path);
}

FileOps& systemFileOps() {
  static FileOps ops;
  return ops;
}

std::string systemErrorDetail(std::string_view what, const std::string& path, int err) {
  return std::string(what) + " " + path + ": " + std::strerror(err);
}

namespace {

Error unwritable(std::string_view what, const std::string& path, int err) {
  return Error(IoErrc::FileUnwritable, systemErrorDetail(what, path, err));
}

Status writeAll(FileOps& ops, int fd, ByteView content, const std::string& path) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ops.write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return unwritable("write", path, errno);
    }
    if (n == 0) {
      return unwritable("write", path, EIO);
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

Status writeTemporary(FileOps& ops, const std::string& tmp, ByteView content, mode_t mode) {
  const int fd = ops.open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return unwritable("open", tmp, errno);
  }
  Status status = writeAll(ops, fd, content, tmp);
  if (status && ops.fchmod(fd, mode) != 0) {
    status = unwritable("chmod", tmp, errno);
  }
  if (status && ops.fsync(fd) != 0) {
    status = unwritable("fsync", tmp, errno);
  }
  // close() can report a deferred write error (NFS); it counts.
  if (ops.close(fd) != 0 && status) {
    status = unwritable("close", tmp, errno);
  }
  return status;
}

}  // namespace

Status writeFileAtomically(const std::string& path, ByteView content, mode_t mode, FileOps& ops) {
  const std::string tmp = path + ".tmp";
  if (Status written = writeTemporary(ops, tmp, content, mode); !written) {
    ops.unlink(tmp.c_str());  // Best effort: a leftover .tmp is overwritten next time.
    return written;
  }
  if (ops.rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ops.unlink(tmp.c_str());
    return unwritable("rename to", path, err);
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) {
    dir = ".";
  }
  const int dirFd = ops.open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dirFd < 0) {
    return unwritable("open directory", dir, errno);
  }
  Status status;
  if (ops.fsync(dirFd) != 0) {
    status = unwritable("fsync directory", dir, errno);
  }
  if (ops.close(dirFd) != 0 && status) {
    status = unwritable("close directory", dir, errno);
  }
  return status;
}

Result<std::optional<Bytes>> readFileCapped(const std::string& path, std::size_t maxBytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return std::optional<Bytes>();
    }
    return Error(IoErrc::FileUnreadable, systemErrorDetail("open", path, errno));
  }
  Bytes content;
  std::uint8_t buffer[8192];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int err = errno;
      ::close(fd);
      return Error(IoErrc::FileUnreadable, systemErrorDetail("read", path, err));
    }
    if (n == 0) {
      break;
    }
    if (content.size() + static_cast<std::size_t>(n) > maxBytes) {
      ::close(fd);
      return Error(IoErrc::FileTooLarge,
                   path + " is larger than " + std::to_string(maxBytes) + " bytes");
    }
    content.insert(content.end(), buffer, buffer + n);
  }
  ::close(fd);
  return std::optional<Bytes>(std::move(content));
}

}  // namespace sztp::agentio
