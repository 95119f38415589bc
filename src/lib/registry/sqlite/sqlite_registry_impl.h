#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "registry/registry.h"
#include "registry/sqlite/connection.h"

// Internal: the SQLite Registry. Declared here so that its parts live in
// files named for what they hold: sqlite_registry.cc (opening, lookups),
// sqlite_apply.cc (inventory changes and referential integrity),
// sqlite_logs.cc (events and audit records, with group commit).

namespace sztp::registry::sqlite {

/// Concurrency: one writer connection behind `writerMutex_` does every write
/// (SQLite has one writer at a time anyway); lookups use a pool of reader
/// connections, which in WAL mode read the last committed state without
/// waiting for the writer. Appends of events and audit records from many
/// threads are committed together (one sync for all waiting callers), each
/// caller returning only after the commit that holds its record.
class SqliteRegistry final : public Registry {
 public:
  SqliteRegistry(std::unique_ptr<Connection> writer,
                 std::vector<std::unique_ptr<Connection>> readers);
  ~SqliteRegistry() override;

  Result<std::int64_t> apply(const std::vector<Change>& changes) override;
  Result<std::int64_t> revision() override;
  Result<std::optional<InventoryObject>> getObject(ObjectKind kind, std::string_view name) override;
  Result<std::vector<InventoryObject>> listObjects(ObjectKind kind) override;
  Result<std::optional<Device>> getDevice(std::string_view serialNumber) override;
  Result<std::vector<Device>> listDevices(const DeviceFilter& filter) override;
  Result<std::uint64_t> countDevices(const DeviceFilter& filter) override;
  Result<std::map<DeviceStage, std::uint64_t>> countDevicesByStage() override;
  Result<std::int64_t> appendEvent(const DeviceEvent& event) override;
  Result<std::vector<DeviceEvent>> listEvents(std::string_view serialNumber, std::int64_t afterId,
                                              std::size_t limit) override;
  Result<std::optional<LdevidState>> getLdevidState(std::string_view serialNumber) override;
  Result<std::int64_t> appendEventWithLdevid(const DeviceEvent& event,
                                             const LdevidState& state) override;
  Result<std::int64_t> appendAudit(const AuditRecord& record) override;
  Status appendAudits(const std::vector<AuditRecord>& records) override;
  Result<std::vector<AuditRecord>> listAudit(const AuditFilter& filter) override;

 private:
  /// A connection for one lookup: a pooled reader, or the writer (under its
  /// lock) when the pool is empty. Returned to the pool on destruction.
  class ReadLease {
   public:
    ReadLease(SqliteRegistry& owner, Connection* connection, std::unique_lock<std::mutex> lock)
        : owner_(&owner), connection_(connection), writerLock_(std::move(lock)) {}
    ~ReadLease();
    ReadLease(const ReadLease&) = delete;
    ReadLease& operator=(const ReadLease&) = delete;
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_; }

   private:
    SqliteRegistry* owner_;
    Connection* connection_;
    std::unique_lock<std::mutex> writerLock_;
  };

  /// One event or audit record waiting for a group commit.
  struct PendingAppend {
    const DeviceEvent* event = nullptr;
    const AuditRecord* audit = nullptr;
    Result<std::int64_t> result{std::int64_t{0}};
    bool done = false;
  };

  ReadLease read();
  Result<std::int64_t> submit(PendingAppend& pending);
  /// Queues every entry and returns once all of them are committed (or failed).
  void submitAll(std::span<PendingAppend> pendings);
  /// Writes `batch` in one transaction; sets each entry's result.
  void writeAppends(const std::vector<PendingAppend*>& batch);
  Result<std::int64_t> appendEventLocked(const DeviceEvent& event);
  Result<std::int64_t> appendAuditLocked(const AuditRecord& record);
  /// Checkpoints the WAL after a commit once it has grown; a failure is
  /// ignored here (the commit is already durable) and retried next time.
  void checkpointIfLarge();

  std::mutex writerMutex_;
  std::unique_ptr<Connection> writer_;

  std::mutex readersMutex_;
  std::condition_variable readerReturned_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<Connection*> idleReaders_;

  std::mutex appendMutex_;
  std::condition_variable appendDone_;
  std::deque<PendingAppend*> appendQueue_;
  bool appendLeader_ = false;
};

}  // namespace sztp::registry::sqlite
