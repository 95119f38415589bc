#pragma once

#include <string>
#include <vector>

#include "agent/ports.h"

namespace sztp::agentio {

struct RemovableStorageConfig {
  /// Mount points or directories to look in, in order (e.g. "/media/usb0",
  /// "/run/media/sztp"); each is a storage root for the naming scheme of
  /// discovery/removable_storage.h. Missing ones are skipped.
  std::vector<std::string> roots;
  /// The device serial number (from the IDevID, I4), for the per-device directory.
  std::string serialNumber;
};

/// RFC 8572 §4.1 (X1, X2): bootstrapping data from removable storage. One
/// yield per root that has conveyed information, kind RemovableStorage,
/// `data` set (untrusted: the engine validates it). Files are read without
/// following a symbolic link in the last path component and capped at
/// discovery::kMaxStorageFileBytes. A root whose files are inconsistent
/// (half-signed, oversized) fails the whole discover() with that error, so
/// the operator sees it instead of a silent skip.
class RemovableStorageSource : public agent::SourceProvider {
 public:
  explicit RemovableStorageSource(RemovableStorageConfig config);
  agent::SourceKind kind() const override { return agent::SourceKind::RemovableStorage; }
  Result<std::vector<agent::SourceYield>> discover() override;

 private:
  RemovableStorageConfig config_;
};

}  // namespace sztp::agentio
