#pragma once

// A SQLite VFS shim for tests: delegates everything to the default VFS and,
// when armed, makes the N-th xWrite or xSync from then on fail with an I/O
// error (style.md #15: fail the N-th step, loop N until the flow succeeds).

#include <sqlite3.h>

#include <atomic>
#include <string>

namespace sztp::registry::test {

class FaultVfs {
 public:
  /// Registers the shim under `name` (not as the default VFS).
  explicit FaultVfs(std::string name);
  ~FaultVfs();
  FaultVfs(const FaultVfs&) = delete;
  FaultVfs& operator=(const FaultVfs&) = delete;

  const std::string& name() const { return name_; }

  /// The `n`-th write or sync from now fails (n >= 1); 0 disarms.
  void failNth(long n) {
    countdown_ = n;
    failed_ = false;
  }
  void disarm() { countdown_ = 0; }
  /// True once the armed failure has happened.
  bool failed() const { return failed_; }
  /// Writes and syncs seen since construction.
  long operations() const { return operations_; }

  /// Called by the shim for every write and sync: false means fail it.
  bool allow();
  sqlite3_vfs* base() const { return base_; }

 private:
  std::string name_;
  sqlite3_vfs vfs_{};
  sqlite3_vfs* base_ = nullptr;
  std::atomic<long> countdown_{0};
  std::atomic<bool> failed_{false};
  std::atomic<long> operations_{0};
};

}  // namespace sztp::registry::test
