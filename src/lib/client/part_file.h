#pragma once

// Internal to sztp_client: the partial file of a boot-image download
// (`<destination>.part`, and `<destination>.part.validator` holding the
// ETag or Last-Modified for If-Range) with its running SHA-256 (D46).
//
// Writing and hashing run on a worker thread of their own, fed through a
// few fixed buffers: the downloading thread only receives and decrypts, so
// a download uses two cores as `curl | openssl dgst` does, and memory stays
// constant whatever the image size (docs/performance.md, "Device agent").
// Not thread-safe: one downloading thread uses a PartFile.

#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace sztp::client::detail {

class PartFile {
 public:
  /// Opens or creates `destination + ".part"` and hashes what an earlier run
  /// left in it. `bufferBytes` is the size of each of the pipeline's buffers.
  /// Errors: DownloadFailed (file I/O).
  static Result<std::unique_ptr<PartFile>> open(const std::string& destination,
                                                std::size_t bufferBytes);
  ~PartFile();
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;

  /// Octets held: on disk plus those queued for writing.
  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

  /// A buffer of bufferBytes to receive into (waits until one is free).
  char* buffer();
  /// Queues the first `octets` of the buffer buffer() returned for writing
  /// and hashing. Fails with the error of an earlier write, if any.
  Status commit(std::size_t octets);
  /// Waits until everything queued is on disk; the first write error.
  Status drain();

  /// Empties the file (the server sends everything again); forgets the validator.
  Status restart();
  /// Deletes the .part and its validator.
  void remove();

  /// The validator an earlier run kept, "" when none or not header-safe.
  std::string validator() const;
  void keepValidator(const std::string& value) const;

  /// Drains, then the SHA-256 of the whole file.
  Result<Bytes> digest();
  /// fsync, rename to the destination, fsync its directory, drop the validator.
  Status install();

  class Pipeline;

 private:
  PartFile(std::string destination, std::size_t bufferBytes);
  std::string destination_;
  std::string path_;
  std::string validatorPath_;
  std::uint64_t size_ = 0;
  std::unique_ptr<Pipeline> pipeline_;
};

}  // namespace sztp::client::detail
