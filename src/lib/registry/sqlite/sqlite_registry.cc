#include "registry/sqlite/sqlite_registry.h"

#include <sqlite3.h>

#include "registry/registry_error.h"
#include "registry/sqlite/migrations.h"
#include "registry/sqlite/row_codec.h"
#include "registry/sqlite/sqlite_registry_impl.h"

namespace sztp::registry {
namespace sqlite {
namespace {

// Page cache per connection (negative: KiB). The writer holds the indexes a
// large import touches; readers mostly walk one index path per lookup.
constexpr const char* kWriterCache = "PRAGMA cache_size = -32768";
constexpr const char* kReaderCache = "PRAGMA cache_size = -8192";

/// The WHERE clause and its parameters for a device filter; parameters are
/// numbered ?1 type, ?2 owner, ?3 stage, ?4 after-serial so one statement per
/// combination is cached.
std::string deviceWhere(const DeviceFilter& filter) {
  std::string where = " WHERE 1";
  if (!filter.deviceType.empty()) {
    where += " AND device_type = ?1";
  }
  if (!filter.owner.empty()) {
    where += " AND owner = ?2";
  }
  if (filter.stage) {
    where += " AND stage = ?3";
  }
  if (!filter.afterSerial.empty()) {
    where += " AND serial > ?4";
  }
  return where;
}

void bindDeviceFilter(Statement& stmt, const DeviceFilter& filter) {
  if (!filter.deviceType.empty()) {
    stmt.bind(1, filter.deviceType);
  }
  if (!filter.owner.empty()) {
    stmt.bind(2, filter.owner);
  }
  if (filter.stage) {
    stmt.bind(3, deviceStageName(*filter.stage));
  }
  if (!filter.afterSerial.empty()) {
    stmt.bind(4, filter.afterSerial);
  }
}

std::optional<Bytes> voucherColumn(const Statement& stmt, int column) {
  return stmt.isNull(column) ? std::nullopt : std::optional<Bytes>(stmt.blob(column));
}

std::int64_t sqlLimit(std::size_t limit) {
  // LIMIT -1 is SQLite's "no limit".
  return limit == 0 ? -1 : static_cast<std::int64_t>(limit);
}

Result<std::unique_ptr<Connection>> openWriter(const SqliteOptions& options) {
  auto writer = Connection::open(options.path.string(),
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 options.vfs, options.busyTimeoutMs);
  if (!writer) {
    return writer;
  }
  auto& db = **writer;
  // WAL: readers never wait for the writer and a commit is one append plus
  // one sync of the log, not a rewrite of the pages in place. The first
  // statement that reads the file is also where a non-SQLite file is noticed.
  auto mode = db.queryText("PRAGMA journal_mode = WAL");
  if (!mode) {
    return std::move(mode).error();
  }
  if (*mode != "wal") {
    return Error(RegistryErrc::StorageFailure, "the database cannot use WAL journal mode (got '" +
                                                   *mode + "'); put it on a local file system");
  }
  // FULL: the WAL is synced at every commit, so a call that returned ok
  // survives power loss too, not only a crash of the process (the 204 of
  // report-progress is sent after appendEvent returns).
  // journal_size_limit: after a large import the WAL file shrinks back to
  // 64 MB once checkpointed instead of keeping the import's size on disk.
  for (const char* pragma :
       {"PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON", "PRAGMA wal_autocheckpoint = 0",
        "PRAGMA journal_size_limit = 67108864", kWriterCache}) {
    if (auto s = db.exec(pragma); !s) {
      return std::move(s).error();
    }
  }
  db.trackWal();
  if (auto s = migrateSchema(db, registryMigrations()); !s) {
    return std::move(s).error();
  }
  return writer;
}

Result<std::unique_ptr<Connection>> openReader(const SqliteOptions& options) {
  auto reader = Connection::open(options.path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                 options.vfs, options.busyTimeoutMs);
  if (!reader) {
    return reader;
  }
  // query_only: a reader can never write, whatever a bug asks of it.
  for (const char* pragma : {"PRAGMA query_only = ON", kReaderCache}) {
    if (auto s = (*reader)->exec(pragma); !s) {
      return std::move(s).error();
    }
  }
  return reader;
}

}  // namespace

SqliteRegistry::SqliteRegistry(std::unique_ptr<Connection> writer,
                               std::vector<std::unique_ptr<Connection>> readers)
    : writer_(std::move(writer)), readers_(std::move(readers)) {
  for (auto& reader : readers_) {
    idleReaders_.push_back(reader.get());
  }
}

SqliteRegistry::~SqliteRegistry() {
  // Readers close first so that the writer, closing last, checkpoints the WAL
  // into the database and removes it.
  idleReaders_.clear();
  readers_.clear();
}

SqliteRegistry::ReadLease::~ReadLease() {
  if (writerLock_.owns_lock()) {
    return;
  }
  {
    std::lock_guard lock(owner_->readersMutex_);
    owner_->idleReaders_.push_back(connection_);
  }
  owner_->readerReturned_.notify_one();
}

SqliteRegistry::ReadLease SqliteRegistry::read() {
  if (readers_.empty()) {
    return ReadLease(*this, writer_.get(), std::unique_lock(writerMutex_));
  }
  std::unique_lock lock(readersMutex_);
  readerReturned_.wait(lock, [&] { return !idleReaders_.empty(); });
  Connection* connection = idleReaders_.back();
  idleReaders_.pop_back();
  return ReadLease(*this, connection, std::unique_lock<std::mutex>());
}

Result<std::int64_t> SqliteRegistry::revision() {
  auto db = read();
  return db->queryInteger("SELECT value FROM registry_meta WHERE key = 'revision'");
}

Result<std::optional<InventoryObject>> SqliteRegistry::getObject(ObjectKind kind,
                                                                 std::string_view name) {
  auto db = read();
  auto stmt = db->prepare("SELECT body FROM objects WHERE kind = ?1 AND name = ?2");
  if (!stmt) {
    return std::move(stmt).error();
  }
  stmt->bind(1, objectKindName(kind)).bind(2, name);
  auto row = stmt->step();
  if (!row) {
    return std::move(row).error();
  }
  if (!*row) {
    return std::optional<InventoryObject>();
  }
  auto object = objectFromRow(kind, name, stmt->text(0));
  if (!object) {
    return std::move(object).error();
  }
  return std::optional<InventoryObject>(std::move(*object));
}

Result<std::vector<InventoryObject>> SqliteRegistry::listObjects(ObjectKind kind) {
  auto db = read();
  auto stmt = db->prepare("SELECT name, body FROM objects WHERE kind = ?1 ORDER BY name");
  if (!stmt) {
    return std::move(stmt).error();
  }
  stmt->bind(1, objectKindName(kind));
  std::vector<InventoryObject> out;
  while (true) {
    auto row = stmt->step();
    if (!row) {
      return std::move(row).error();
    }
    if (!*row) {
      return out;
    }
    auto object = objectFromRow(kind, stmt->text(0), stmt->text(1));
    if (!object) {
      return std::move(object).error();
    }
    out.push_back(std::move(*object));
  }
}

Result<std::optional<Device>> SqliteRegistry::getDevice(std::string_view serialNumber) {
  auto db = read();
  auto stmt =
      db->prepare("SELECT body, stage, last_seen_ms, voucher FROM devices WHERE serial = ?1");
  if (!stmt) {
    return std::move(stmt).error();
  }
  stmt->bind(1, serialNumber);
  auto row = stmt->step();
  if (!row) {
    return std::move(row).error();
  }
  if (!*row) {
    return std::optional<Device>();
  }
  auto device = deviceFromRow(serialNumber, stmt->text(0), stmt->text(1), stmt->integer(2),
                              voucherColumn(*stmt, 3));
  if (!device) {
    return std::move(device).error();
  }
  return std::optional<Device>(std::move(*device));
}

Result<std::vector<Device>> SqliteRegistry::listDevices(const DeviceFilter& filter) {
  auto db = read();
  auto stmt = db->prepare("SELECT serial, body, stage, last_seen_ms, voucher FROM devices" +
                          deviceWhere(filter) + " ORDER BY serial LIMIT ?5");
  if (!stmt) {
    return std::move(stmt).error();
  }
  bindDeviceFilter(*stmt, filter);
  stmt->bind(5, sqlLimit(filter.limit));
  std::vector<Device> out;
  while (true) {
    auto row = stmt->step();
    if (!row) {
      return std::move(row).error();
    }
    if (!*row) {
      return out;
    }
    auto device = deviceFromRow(stmt->text(0), stmt->text(1), stmt->text(2), stmt->integer(3),
                                voucherColumn(*stmt, 4));
    if (!device) {
      return std::move(device).error();
    }
    out.push_back(std::move(*device));
  }
}

Result<std::uint64_t> SqliteRegistry::countDevices(const DeviceFilter& filter) {
  auto db = read();
  const bool funnelOnly =
      filter.deviceType.empty() && filter.owner.empty() && filter.afterSerial.empty();
  // Without type, owner or position the trigger-maintained counters answer
  // in constant time; otherwise an index range is counted.
  auto stmt = funnelOnly
                  ? db->prepare(filter.stage ? "SELECT devices FROM stage_counts WHERE stage = ?3"
                                             : "SELECT sum(devices) FROM stage_counts")
                  : db->prepare("SELECT count(*) FROM devices" + deviceWhere(filter));
  if (!stmt) {
    return std::move(stmt).error();
  }
  bindDeviceFilter(*stmt, filter);
  auto row = stmt->step();
  if (!row) {
    return std::move(row).error();
  }
  const std::int64_t count = *row ? stmt->integer(0) : 0;
  return static_cast<std::uint64_t>(count < 0 ? 0 : count);
}

Result<std::map<DeviceStage, std::uint64_t>> SqliteRegistry::countDevicesByStage() {
  std::map<DeviceStage, std::uint64_t> out;
  for (int i = 0; i <= static_cast<int>(DeviceStage::Completed); ++i) {
    out[static_cast<DeviceStage>(i)] = 0;
  }
  auto db = read();
  auto stmt = db->prepare("SELECT stage, devices FROM stage_counts");
  if (!stmt) {
    return std::move(stmt).error();
  }
  while (true) {
    auto row = stmt->step();
    if (!row) {
      return std::move(row).error();
    }
    if (!*row) {
      return out;
    }
    const auto stage = deviceStageFromName(stmt->text(0));
    if (!stage) {
      return Error(RegistryErrc::StorageCorrupt,
                   "stage_counts has unknown stage '" + stmt->text(0) + "'");
    }
    const std::int64_t count = stmt->integer(1);
    out[*stage] = static_cast<std::uint64_t>(count < 0 ? 0 : count);
  }
}

void SqliteRegistry::checkpointIfLarge() {
  // 1000 frames is SQLite's own autocheckpoint threshold (about 4 MB).
  if (writer_->walFrames() >= 1000) {
    sqlite3_wal_checkpoint_v2(writer_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                              nullptr);
  }
}

}  // namespace sqlite

Result<std::unique_ptr<Registry>> openSqliteRegistry(const SqliteOptions& options) {
  if (options.path.empty() || options.path == ":memory:") {
    return Error(RegistryErrc::StorageFailure,
                 "the registry needs a database file path (connections share it)");
  }
  auto writer = sqlite::openWriter(options);
  if (!writer) {
    Error error = std::move(writer).error();
    error.addContext(options.path.string());
    return error;
  }
  std::vector<std::unique_ptr<sqlite::Connection>> readers;
  for (unsigned i = 0; i < options.readConnections; ++i) {
    auto reader = sqlite::openReader(options);
    if (!reader) {
      Error error = std::move(reader).error();
      error.addContext(options.path.string());
      return error;
    }
    readers.push_back(std::move(*reader));
  }
  return std::unique_ptr<Registry>(
      std::make_unique<sqlite::SqliteRegistry>(std::move(*writer), std::move(readers)));
}

}  // namespace sztp::registry
