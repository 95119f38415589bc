#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/result.h"
#include "registry/registry.h"

namespace sztp::registry {

/// The embedded SQLite backend (docs/registry.md, "Storage model").
struct SqliteOptions {
  /// The database file; created (with its directory's -wal and -shm
  /// companions) when absent. Must be on a local file system: WAL mode needs
  /// shared memory between the connections.
  std::filesystem::path path;
  /// How long a connection waits for a lock held by another process (for
  /// example `sqlite3 registry.db .backup ...`) before failing with
  /// storage-failure.
  int busyTimeoutMs = 5000;
  /// Reader connections used concurrently by lookups; 0 makes every lookup
  /// share the writer connection (and its lock).
  unsigned readConnections = 4;
  /// SQLite VFS to open the file through; "" is SQLite's default. Tests
  /// register a fault-injecting shim here.
  std::string vfs;
};

/// Opens (creating or upgrading the schema as needed) the registry at
/// `options.path`. Fails with schema-too-new when the file was written by a
/// newer sztp-server, storage-corrupt when it is not an sztp registry
/// database (or not SQLite at all), storage-failure otherwise (permissions,
/// locking, disk). Durable on return: every mutating call returns after its
/// transaction is synced (synchronous=FULL).
Result<std::unique_ptr<Registry>> openSqliteRegistry(const SqliteOptions& options);

}  // namespace sztp::registry
