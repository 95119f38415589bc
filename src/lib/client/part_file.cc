#include "client/part_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "client/client_error.h"
#include "crypto/digest.h"

namespace sztp::client::detail {
namespace {

constexpr std::size_t kMaxValidatorBytes = 512;
// Enough to keep the writer busy while the receiver fills the next one.
constexpr std::size_t kPipelineBuffers = 4;

class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = fd;
  }

 private:
  int fd_;
};

Error fileError(const std::string& what, const std::string& path) {
  return Error(ClientErrc::DownloadFailed, what + " " + path + ": " + std::strerror(errno));
}

bool writeAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

void fsyncDirectoryOf(const std::string& path) {
  auto directory = std::filesystem::path(path).parent_path();
  if (directory.empty()) {
    directory = ".";
  }
  UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) {
    (void)::fsync(fd.get());
  }
}

ByteView view(const char* data, std::size_t size) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(data), size);
}

}  // namespace

/// The file, its hash and the writer thread. Everything below `mutex`
/// is shared with the writer; the file and hash are the writer's while it
/// is busy and the caller's once drained.
class PartFile::Pipeline {
 public:
  Pipeline(std::string file, std::size_t bufferBytes) : path(std::move(file)) {
    for (std::size_t i = 0; i < kPipelineBuffers; ++i) {
      buffers.emplace_back(bufferBytes);
      free.push_back(i);
    }
  }

  ~Pipeline() {
    {
      const std::lock_guard lock(mutex);
      stopping = true;
    }
    changed.notify_all();
    if (writer.joinable()) {
      writer.join();
    }
  }

  void run() {
    std::unique_lock lock(mutex);
    while (true) {
      changed.wait(lock, [&] { return stopping || !queued.empty(); });
      if (queued.empty()) {
        return;
      }
      const auto [index, octets] = queued.front();
      queued.pop_front();
      busy = true;
      const bool failed = error.has_value();
      lock.unlock();
      std::optional<Error> failure;
      if (!failed) {
        if (writeAll(fd.get(), buffers[index].data(), octets)) {
          hash.update(view(buffers[index].data(), octets));
        } else {
          failure = fileError("writing", path);
        }
      }
      lock.lock();
      busy = false;
      if (failure && !error) {
        error = std::move(failure);
      }
      free.push_back(index);
      changed.notify_all();
    }
  }

  char* take() {
    if (!current) {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return !free.empty(); });
      current = free.front();
      free.pop_front();
    }
    return buffers[*current].data();
  }

  Status commit(std::size_t octets) {
    if (!current) {
      return Error(ClientErrc::DownloadFailed, "internal: commit without a buffer");
    }
    {
      const std::lock_guard lock(mutex);
      if (error) {
        return *error;
      }
      queued.emplace_back(*current, octets);
      current.reset();
    }
    if (!writer.joinable()) {
      writer = std::thread([this] { run(); });
    }
    changed.notify_all();
    return {};
  }

  Status drain() {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return queued.empty() && !busy; });
    if (error) {
      return *error;
    }
    return {};
  }

  std::string path;
  UniqueFd fd;
  crypto::Sha256 hash;
  std::vector<std::vector<char>> buffers;
  std::optional<std::size_t> current;  ///< Handed out by take(), not yet committed.

  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::size_t> free;
  std::deque<std::pair<std::size_t, std::size_t>> queued;  ///< Buffer index, octets.
  std::optional<Error> error;
  bool busy = false;
  bool stopping = false;
  std::thread writer;
};

PartFile::PartFile(std::string destination, std::size_t bufferBytes)
    : destination_(std::move(destination)),
      path_(destination_ + ".part"),
      validatorPath_(path_ + ".validator"),
      pipeline_(std::make_unique<Pipeline>(path_, bufferBytes)) {}

PartFile::~PartFile() = default;

Result<std::unique_ptr<PartFile>> PartFile::open(const std::string& destination,
                                                 std::size_t bufferBytes) {
  std::unique_ptr<PartFile> part(new PartFile(destination, bufferBytes));
  auto& pipeline = *part->pipeline_;
  pipeline.fd.reset(::open(part->path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (pipeline.fd.get() < 0) {
    return fileError("opening", part->path_);
  }
  // What an earlier run kept is hashed before anything is appended.
  std::vector<char>& buffer = pipeline.buffers.front();
  while (true) {
    const ssize_t got = ::read(pipeline.fd.get(), buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fileError("reading", part->path_);
    }
    if (got == 0) {
      break;
    }
    pipeline.hash.update(view(buffer.data(), static_cast<std::size_t>(got)));
    part->size_ += static_cast<std::uint64_t>(got);
  }
  return part;
}

char* PartFile::buffer() {
  return pipeline_->take();
}

Status PartFile::commit(std::size_t octets) {
  auto committed = pipeline_->commit(octets);
  if (committed) {
    size_ += octets;
  }
  return committed;
}

Status PartFile::drain() {
  return pipeline_->drain();
}

Status PartFile::restart() {
  if (auto drained = drain(); !drained) {
    return drained;
  }
  auto& pipeline = *pipeline_;
  if (::ftruncate(pipeline.fd.get(), 0) != 0 || ::lseek(pipeline.fd.get(), 0, SEEK_SET) != 0) {
    return fileError("truncating", path_);
  }
  size_ = 0;
  (void)pipeline.hash.finish();  // resets
  ::unlink(validatorPath_.c_str());
  return {};
}

void PartFile::remove() {
  (void)drain();
  pipeline_->fd.reset();
  ::unlink(path_.c_str());
  ::unlink(validatorPath_.c_str());
}

std::string PartFile::validator() const {
  UniqueFd fd(::open(validatorPath_.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return {};
  }
  char text[kMaxValidatorBytes];
  const ssize_t got = ::read(fd.get(), text, sizeof text);
  if (got <= 0 || static_cast<std::size_t>(got) >= sizeof text) {
    return {};
  }
  std::string value(text, static_cast<std::size_t>(got));
  // Only a header-safe value goes back on the wire.
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      return {};
    }
  }
  return value;
}

void PartFile::keepValidator(const std::string& value) const {
  if (value.empty() || value.size() >= kMaxValidatorBytes) {
    return;
  }
  UniqueFd fd(::open(validatorPath_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() >= 0) {
    (void)writeAll(fd.get(), value.data(), value.size());
  }
}

Result<Bytes> PartFile::digest() {
  if (auto drained = drain(); !drained) {
    return std::move(drained).error();
  }
  return pipeline_->hash.finish();
}

Status PartFile::install() {
  if (auto drained = drain(); !drained) {
    return drained;
  }
  auto& pipeline = *pipeline_;
  if (::fsync(pipeline.fd.get()) != 0) {
    return fileError("syncing", path_);
  }
  pipeline.fd.reset();
  if (::rename(path_.c_str(), destination_.c_str()) != 0) {
    return fileError("renaming", path_);
  }
  fsyncDirectoryOf(destination_);
  ::unlink(validatorPath_.c_str());
  return {};
}

}  // namespace sztp::client::detail
