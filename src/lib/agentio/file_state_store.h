#pragma once

#include <cstddef>
#include <string>

#include "agent/ports.h"
#include "agentio/durable_file.h"

namespace sztp::agentio {

/// The agent's state document in one file, replaced atomically by
/// writeFileAtomically (write path.tmp, fsync, rename, fsync the directory;
/// issue 4 item 5), mode 0600. The state file is read back as untrusted input:
/// load() refuses one larger than `maxBytes` (IoErrc::FileTooLarge).
class FileStateStore : public agent::StateStore {
 public:
  static constexpr std::size_t kDefaultMaxBytes = 1024 * 1024;

  /// `ops` must outlive the store (tests pass a fault-injecting table).
  explicit FileStateStore(std::string path, std::size_t maxBytes = kDefaultMaxBytes,
                          FileOps& ops = systemFileOps());

  // agent::StateStore
  Result<std::optional<std::string>> load() override;
  Status save(std::string_view document) override;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::size_t maxBytes_;
  FileOps* ops_;
};

}  // namespace sztp::agentio
