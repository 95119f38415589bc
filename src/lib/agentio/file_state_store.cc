#include "agentio/file_state_store.h"

#include "common/io_error.h"

namespace sztp::agentio {

FileStateStore::FileStateStore(std::string path, std::size_t maxBytes, FileOps& ops)
    : path_(std::move(path)), maxBytes_(maxBytes), ops_(&ops) {}

Result<std::optional<std::string>> FileStateStore::load() {
  // A path.tmp left by a crash is ignored: it was never renamed into place,
  // so it is not the state, and the next save() truncates it.
  auto content = readFileCapped(path_, maxBytes_);
  if (!content) {
    return std::move(content).error();
  }
  if (!content->has_value()) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(toString(**content));
}

Status FileStateStore::save(std::string_view document) {
  if (document.size() > maxBytes_) {
    // Refused here too, or the next load() would refuse what was saved.
    return Error(IoErrc::FileTooLarge,
                 "state document of " + std::to_string(document.size()) + " bytes for " + path_);
  }
  return writeFileAtomically(path_, asBytes(document), 0600, *ops_);
}

}  // namespace sztp::agentio
