// The SQLite backend: the conformance suite, then what only a file-backed
// database has (reopening, schema versions, foreign files, backups, crashes
// and failing writes).

#include "registry/sqlite/sqlite_registry.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>

#include "registry/registry_error.h"
#include "registry/sqlite/migrations.h"
#include "registry/tests/fault_vfs.h"
#include "registry/tests/registry_conformance.h"
#include "registry/tests/registry_fixtures.h"
#include "testutil/command.h"
#include "testutil/temp_dir.h"

namespace sztp::registry::test {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Registry> openOrFail(const SqliteOptions& options) {
  auto registry = openSqliteRegistry(options);
  EXPECT_TRUE(registry.ok()) << (registry ? "" : registry.error().describe());
  return registry ? std::move(*registry) : nullptr;
}

SqliteOptions optionsFor(const fs::path& path) {
  SqliteOptions options;
  options.path = path;
  options.readConnections = 2;
  return options;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, RegistryConformance,
                         ::testing::Values(BackendFactory{"sqlite",
                                                          [](const fs::path& dir) {
                                                            return openOrFail(
                                                                optionsFor(dir / "registry.db"));
                                                          }},
                                           BackendFactory{"sqliteWithoutReaders",
                                                          [](const fs::path& dir) {
                                                            SqliteOptions options =
                                                                optionsFor(dir / "registry.db");
                                                            options.readConnections = 0;
                                                            return openOrFail(options);
                                                          }}),
                         backendName);

/// A plain sqlite3 connection for looking at (or tampering with) the file
/// behind the registry's back.
class RawDb {
 public:
  explicit RawDb(const fs::path& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path;
    }
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (message != nullptr ? message : "?");
    }
    sqlite3_free(message);
  }
  std::string text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

int latestVersion() {
  return sqlite::registryMigrations().back().version;
}

void populate(Registry& registry) {
  ASSERT_TRUE(registry
                  .apply({PutObject{makeDeviceType("dpu")}, PutObject{makeOwner("acme")},
                          PutObject{makeRedirectProfile("lab")}, PutDevice{makeDevice("SN-1")},
                          PutDevice{makeDevice("SN-2")}})
                  .ok());
  ASSERT_TRUE(
      registry.appendEvent(makeProgress("SN-1", model::ProgressType::BootstrapComplete, 7)));
  ASSERT_TRUE(registry.appendAudit(makeAudit("SN-1", 7)));
}

TEST(SqliteRegistry, ReopenKeepsEverything) {
  testutil::TempDir dir;
  const auto options = optionsFor(dir / "registry.db");
  std::int64_t revision = 0;
  {
    auto registry = openOrFail(options);
    ASSERT_TRUE(registry);
    populate(*registry);
    revision = *registry->revision();
  }
  auto registry = openOrFail(options);
  ASSERT_TRUE(registry);
  EXPECT_EQ(*registry->revision(), revision);
  EXPECT_EQ(registry->listObjects(ObjectKind::DeviceType)->size(), 1u);
  const auto device = registry->getDevice("SN-1");
  ASSERT_TRUE(device.ok() && device->has_value());
  EXPECT_EQ((*device)->stage, DeviceStage::Completed);
  EXPECT_EQ((*device)->responses, makeDevice("SN-1").responses);
  EXPECT_EQ(registry->listEvents("SN-1", 0, 0)->size(), 1u);
  EXPECT_EQ(registry->listAudit(AuditFilter{})->size(), 1u);
  EXPECT_EQ((*registry->countDevicesByStage())[DeviceStage::Registered], 1u);
}

TEST(SqliteRegistry, FileSettingsAndSchema) {
  testutil::TempDir dir;
  const auto path = dir / "registry.db";
  auto registry = openOrFail(optionsFor(path));
  ASSERT_TRUE(registry);
  populate(*registry);
  RawDb raw(path);
  // WAL is recorded in the file; every later opener uses it.
  EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.text("PRAGMA user_version"), std::to_string(latestVersion()));
  EXPECT_EQ(raw.text("PRAGMA application_id"), std::to_string(sqlite::kApplicationId));
  EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.text("PRAGMA foreign_key_check"), "");
  // Lookups use the indexes, never a scan of the devices table.
  for (const char* sql :
       {"EXPLAIN QUERY PLAN SELECT body FROM devices WHERE serial = 'x'",
        "EXPLAIN QUERY PLAN SELECT body FROM devices WHERE device_type = 'x' AND serial > 'a' "
        "ORDER BY serial LIMIT 10",
        "EXPLAIN QUERY PLAN SELECT body FROM devices WHERE stage = 'failed' ORDER BY serial",
        "EXPLAIN QUERY PLAN SELECT serial FROM device_refs WHERE dst_kind = 'a' AND dst_name = "
        "'b'"}) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK) << sql;
    std::string plan;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
      plan += "; ";
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    EXPECT_EQ(plan.find("SCAN"), std::string::npos) << sql << " → " << plan;
  }
}

TEST(SqliteRegistry, EmptyFileBecomesARegistry) {
  testutil::TempDir dir;
  const auto path = dir.write("registry.db", std::string_view());
  auto registry = openOrFail(optionsFor(path));
  ASSERT_TRUE(registry);
  EXPECT_EQ(*registry->revision(), 0);
  populate(*registry);
  registry.reset();
  EXPECT_EQ(RawDb(path).text("PRAGMA user_version"), std::to_string(latestVersion()));
}

TEST(SqliteRegistry, NewerSchemaIsRefused) {
  testutil::TempDir dir;
  const auto path = dir / "registry.db";
  {
    auto registry = openOrFail(optionsFor(path));
    ASSERT_TRUE(registry);
  }
  RawDb(path).exec("PRAGMA user_version = " + std::to_string(latestVersion() + 1));
  auto registry = openSqliteRegistry(optionsFor(path));
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.error(), RegistryErrc::SchemaTooNew);
  EXPECT_NE(registry.error().detail().find(std::to_string(latestVersion() + 1)), std::string::npos)
      << registry.error().detail();
}

TEST(SqliteRegistry, NonSqliteFilesAreCorrupt) {
  testutil::TempDir dir;
  std::string garbage;
  for (int i = 0; i < 300; ++i) {
    garbage += "this is not a database, it is a text file. ";
  }
  for (const auto& [name, content] : std::vector<std::pair<std::string, std::string>>{
           {"text.db", garbage}, {"short.db", "SQLite format 2\n"}}) {
    SCOPED_TRACE(name);
    const auto path = dir.write(name, content);
    auto registry = openSqliteRegistry(optionsFor(path));
    ASSERT_FALSE(registry.ok());
    EXPECT_EQ(registry.error(), RegistryErrc::StorageCorrupt) << registry.error().describe();
    EXPECT_EQ(testutil::readText(path), content) << "the file was modified";
  }
}

TEST(SqliteRegistry, OtherApplicationsDatabasesAreLeftAlone) {
  testutil::TempDir dir;
  const auto foreignTables = dir / "foreign.db";
  RawDb(foreignTables).exec("CREATE TABLE leases (ip TEXT PRIMARY KEY)");
  const auto foreignId = dir / "foreign-id.db";
  RawDb(foreignId).exec("PRAGMA application_id = 42");
  for (const auto& path : {foreignTables, foreignId}) {
    SCOPED_TRACE(path.filename().string());
    auto registry = openSqliteRegistry(optionsFor(path));
    ASSERT_FALSE(registry.ok());
    EXPECT_EQ(registry.error(), RegistryErrc::StorageCorrupt) << registry.error().describe();
    EXPECT_EQ(RawDb(path).text("PRAGMA user_version"), "0");
  }
  EXPECT_EQ(RawDb(foreignTables)
                .text("SELECT group_concat(name) FROM sqlite_schema WHERE type = "
                      "'table'"),
            "leases");
}

TEST(SqliteRegistry, UnopenablePathIsAStorageFailure) {
  testutil::TempDir dir;
  auto registry = openSqliteRegistry(optionsFor(dir / "missing-directory" / "registry.db"));
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.error(), RegistryErrc::StorageFailure);
  EXPECT_FALSE(openSqliteRegistry(optionsFor(":memory:")).ok());
}

TEST(SqliteRegistry, DamagedBodyIsReportedNotThrown) {
  testutil::TempDir dir;
  const auto path = dir / "registry.db";
  auto registry = openOrFail(optionsFor(path));
  ASSERT_TRUE(registry);
  populate(*registry);
  RawDb(path).exec("UPDATE devices SET body = '{\"serial-number\": 5' WHERE serial = 'SN-2'");
  RawDb(path).exec("UPDATE objects SET body = '{\"name\": \"acme\"}' WHERE kind = 'owner'");
  auto device = registry->getDevice("SN-2");
  ASSERT_FALSE(device.ok());
  EXPECT_EQ(device.error(), RegistryErrc::StorageCorrupt);
  EXPECT_NE(device.error().detail().find("SN-2"), std::string::npos);
  auto owner = registry->getObject(ObjectKind::Owner, "acme");
  ASSERT_FALSE(owner.ok());
  EXPECT_EQ(owner.error(), RegistryErrc::StorageCorrupt);
  EXPECT_NE(owner.error().detail().find("certificate-chain"), std::string::npos)
      << owner.error().detail();
  EXPECT_TRUE(registry->getDevice("SN-1").ok());
}

// ---- Migrations ----------------------------------------------------------------

class Migrations : public ::testing::Test {
 protected:
  std::unique_ptr<sqlite::Connection> connect() {
    auto connection = sqlite::Connection::open(
        path_.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "", 1000);
    EXPECT_TRUE(connection.ok());
    return connection ? std::move(*connection) : nullptr;
  }

  testutil::TempDir dir_;
  fs::path path_ = dir_ / "registry.db";
};

TEST_F(Migrations, UpgradeKeepsDataAndIsAllOrNothing) {
  const auto v1 = sqlite::registryMigrations();
  std::vector<sqlite::Migration> v2(v1.begin(), v1.end());
  v2.push_back({v2.back().version + 1,
                "CREATE TABLE device_notes (serial TEXT PRIMARY KEY REFERENCES devices (serial));"
                "INSERT INTO device_notes SELECT serial FROM devices;"});
  std::vector<sqlite::Migration> broken = v2;
  broken.push_back({v2.back().version + 1, "CREATE TABLE half_done (x); THIS IS NOT SQL;"});

  // The released schema, with data in it.
  {
    auto registry = openOrFail(optionsFor(path_));
    ASSERT_TRUE(registry);
    populate(*registry);
  }
  // A later build upgrades it in place; the data comes along.
  {
    auto db = connect();
    ASSERT_TRUE(db);
    ASSERT_TRUE(sqlite::migrateSchema(*db, v2).ok());
    EXPECT_EQ(*db->queryInteger("PRAGMA user_version"), v2.back().version);
    EXPECT_EQ(*db->queryInteger("SELECT count(*) FROM device_notes"), 2);
    // Running again changes nothing.
    ASSERT_TRUE(sqlite::migrateSchema(*db, v2).ok());
  }
  // A failing migration leaves the previous version intact.
  {
    auto db = connect();
    ASSERT_TRUE(db);
    auto status = sqlite::migrateSchema(*db, broken);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error(), RegistryErrc::StorageFailure);
    EXPECT_NE(status.error().detail().find("schema migration"), std::string::npos);
    EXPECT_EQ(*db->queryInteger("PRAGMA user_version"), v2.back().version);
    EXPECT_EQ(*db->queryInteger("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'"), 0);
  }
  // This build does not know version 2: refused, not guessed at.
  auto registry = openSqliteRegistry(optionsFor(path_));
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.error(), RegistryErrc::SchemaTooNew);
}

TEST_F(Migrations, AVersionOneFileGainsTheLdevidTable) {
  // A registry written before RFC 9646 support (schema version 1), with a
  // device in it, opened by this build.
  {
    auto db = connect();
    ASSERT_TRUE(db);
    const auto all = sqlite::registryMigrations();
    ASSERT_GE(all.size(), 2U);
    ASSERT_TRUE(sqlite::migrateSchema(*db, all.first(1)).ok());
    ASSERT_TRUE(db->exec("INSERT INTO devices (serial, device_type, owner, stage, last_seen_ms, "
                         "voucher, body) VALUES ('SN-OLD', 'dpu', '', 'registered', 0, NULL, "
                         "'{\"serial-number\":\"SN-OLD\",\"device-type\":\"dpu\"}')")
                    .ok());
  }
  auto registry = openOrFail(optionsFor(path_));
  ASSERT_TRUE(registry);
  ASSERT_TRUE(registry->getDevice("SN-OLD")->has_value());
  EXPECT_FALSE(registry->getLdevidState("SN-OLD")->has_value());
  LdevidState state;
  state.serialNumber = "SN-OLD";
  state.requestPending = true;
  DeviceEvent event;
  event.serialNumber = "SN-OLD";
  event.kind = DeviceEvent::Kind::Response;
  event.detailJson = "{}";
  ASSERT_TRUE(registry->appendEventWithLdevid(event, state).ok());
  EXPECT_EQ(registry->getLdevidState("SN-OLD")->value(), state);
}

TEST_F(Migrations, FromNothingToLatest) {
  auto db = connect();
  ASSERT_TRUE(db);
  EXPECT_EQ(*db->queryInteger("PRAGMA user_version"), 0);
  ASSERT_TRUE(sqlite::migrateSchema(*db, sqlite::registryMigrations()).ok());
  EXPECT_EQ(*db->queryInteger("PRAGMA user_version"), latestVersion());
  EXPECT_EQ(*db->queryInteger("SELECT count(*) FROM stage_counts"), 6);
  EXPECT_EQ(*db->queryInteger("SELECT value FROM registry_meta WHERE key = 'revision'"), 0);
}

// ---- Backups -------------------------------------------------------------------

TEST(SqliteRegistry, OnlineBackupWithTheSqlite3Cli) {
  if (!testutil::haveProgram("sqlite3")) {
    GTEST_SKIP() << "sqlite3 CLI not installed (scripts/install-deps.sh)";
  }
  testutil::TempDir dir;
  const auto path = dir / "registry.db";
  const auto backup = dir / "backup.db";
  auto registry = openOrFail(optionsFor(path));
  ASSERT_TRUE(registry);
  populate(*registry);
  // While the server holds the database open (WAL, uncheckpointed changes).
  auto result =
      testutil::runCommand({"sqlite3", path.string(), ".backup '" + backup.string() + "'"});
  ASSERT_EQ(result.exitCode, 0) << result.output;
  ASSERT_TRUE(registry->apply({RemoveDevice{"SN-2"}}).ok());

  auto restored = openOrFail(optionsFor(backup));
  ASSERT_TRUE(restored);
  EXPECT_TRUE(restored->getDevice("SN-2")->has_value());
  EXPECT_EQ((*restored->getDevice("SN-1"))->stage, DeviceStage::Completed);
  EXPECT_EQ(restored->listEvents("SN-1", 0, 0)->size(), 1u);
  EXPECT_EQ(*restored->revision(), *registry->revision() - 1);
}

// ---- Crashes -------------------------------------------------------------------

/// What the child acknowledges on the pipe: an event id, or a batch number
/// whose 20 devices it put.
struct Ack {
  std::int32_t kind;  // 1 event, 2 batch
  std::int64_t value;
};

[[noreturn]] void crashChild(const fs::path& path, int fd) {
  auto registry = openSqliteRegistry(optionsFor(path));
  if (!registry) {
    _exit(2);
  }
  for (std::int64_t i = 0;; ++i) {
    Ack ack{};
    if (i % 4 == 3) {
      std::vector<Change> batch;
      for (int j = 0; j < 20; ++j) {
        batch.push_back(PutDevice{makeDevice("B" + std::to_string(i) + "-" + std::to_string(j))});
      }
      if (!(*registry)->apply(batch)) {
        _exit(3);
      }
      ack = {2, i};
    } else {
      auto id = (*registry)->appendEvent(
          makeProgress("SN-1", model::ProgressType::BootImageInitiated, 1000 + i));
      if (!id) {
        _exit(4);
      }
      ack = {1, *id};
    }
    if (write(fd, &ack, sizeof ack) != static_cast<ssize_t>(sizeof ack)) {
      _exit(5);
    }
  }
}

TEST(SqliteCrashSafety, EveryAcknowledgedWriteSurvivesSigkill) {
  for (int killPoint = 1; killPoint <= 20; ++killPoint) {
    SCOPED_TRACE("kill after " + std::to_string(killPoint * 3) + " acknowledgements");
    testutil::TempDir dir;
    const auto path = dir / "registry.db";
    {
      auto registry = openOrFail(optionsFor(path));
      ASSERT_TRUE(registry);
      populate(*registry);
    }
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      crashChild(path, fds[1]);
    }
    close(fds[1]);
    std::vector<Ack> acks;
    Ack ack{};
    // Kill at varied points: after a growing number of acknowledgements, so
    // the kill lands inside event appends and inside 20-device batches.
    while (acks.size() < static_cast<std::size_t>(killPoint * 3) &&
           read(fds[0], &ack, sizeof ack) == static_cast<ssize_t>(sizeof ack)) {
      acks.push_back(ack);
    }
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    // Anything already in the pipe was acknowledged before the kill.
    while (read(fds[0], &ack, sizeof ack) == static_cast<ssize_t>(sizeof ack)) {
      acks.push_back(ack);
    }
    close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child ended by itself: exit " << WEXITSTATUS(status);
    ASSERT_GE(acks.size(), static_cast<std::size_t>(killPoint * 3));

    EXPECT_EQ(RawDb(path).text("PRAGMA integrity_check"), "ok");
    auto registry = openOrFail(optionsFor(path));
    ASSERT_TRUE(registry);
    auto events = registry->listEvents("SN-1", 0, 0);
    ASSERT_TRUE(events.ok());
    std::set<std::int64_t> stored;
    for (const auto& event : *events) {
      stored.insert(event.id);
    }
    DeviceFilter everything;
    everything.limit = 0;
    auto all = registry->listDevices(everything);
    ASSERT_TRUE(all.ok());
    std::map<std::string, int> perBatch;  // "B7" → devices of batch 7 stored
    for (const auto& device : *all) {
      if (device.serialNumber[0] == 'B') {
        ++perBatch[device.serialNumber.substr(0, device.serialNumber.find('-'))];
      }
    }
    std::int64_t lastBatch = -1;
    for (const auto& a : acks) {
      if (a.kind == 1) {
        EXPECT_TRUE(stored.count(a.value)) << "acknowledged event " << a.value << " is lost";
      } else {
        lastBatch = a.value;
        EXPECT_EQ(perBatch["B" + std::to_string(a.value)], 20) << "acknowledged batch " << a.value;
      }
    }
    // A batch cut short by the kill is entirely absent or entirely there.
    const int partial = perBatch["B" + std::to_string(lastBatch + 4)];
    EXPECT_TRUE(partial == 0 || partial == 20) << partial << " devices of an unacknowledged batch";
    auto counts = registry->countDevicesByStage();
    ASSERT_TRUE(counts.ok());
    std::uint64_t total = 0;
    for (const auto& [stage, count] : *counts) {
      total += count;
    }
    EXPECT_EQ(total, all->size()) << "stage counters disagree with the devices table";
  }
}

// ---- Failing writes ------------------------------------------------------------

TEST(SqliteFaultInjection, ApplyIsAllOrNothingWhateverWriteFails) {
  FaultVfs vfs("sztp-test-fault");
  testutil::TempDir dir;
  SqliteOptions options = optionsFor(dir / "registry.db");
  options.vfs = vfs.name();
  auto registry = openOrFail(options);
  ASSERT_TRUE(registry);
  populate(*registry);
  const std::int64_t revision = *registry->revision();

  // Many pages' worth: devices with large vouchers, an object, a removal.
  std::vector<Change> batch{PutObject{makeOwner("globex")}, RemoveDevice{"SN-2"}};
  for (int i = 0; i < 60; ++i) {
    Device device = makeDevice("F-" + std::to_string(i), "dpu", "globex");
    device.ownershipVoucher = Bytes(3000, static_cast<std::uint8_t>(i));
    batch.push_back(PutDevice{device});
  }
  long failures = 0;
  for (long n = 1;; ++n) {
    SCOPED_TRACE("failing write or sync number " + std::to_string(n));
    ASSERT_LT(n, 2000) << "apply never succeeded";
    vfs.failNth(n);
    auto result = registry->apply(batch);
    const bool injected = vfs.failed();
    vfs.disarm();
    if (result.ok()) {
      EXPECT_FALSE(injected) << "a failed write was reported as success";
      EXPECT_GT(*result, revision);
      break;
    }
    ++failures;
    EXPECT_TRUE(injected) << result.error().describe();
    EXPECT_EQ(result.error(), RegistryErrc::StorageFailure) << result.error().describe();
    // Nothing of the batch is visible, through this registry or a new one.
    EXPECT_EQ(*registry->revision(), revision);
    EXPECT_FALSE(registry->getObject(ObjectKind::Owner, "globex")->has_value());
    EXPECT_TRUE(registry->getDevice("SN-2")->has_value());
    EXPECT_EQ(*registry->countDevices(DeviceFilter{}), 2u);
    auto fresh = openOrFail(optionsFor(dir / "registry.db"));
    ASSERT_TRUE(fresh);
    EXPECT_EQ(*fresh->revision(), revision);
    EXPECT_FALSE(fresh->getDevice("F-0")->has_value());
  }
  RecordProperty("failedAttempts", static_cast<int>(failures));
  EXPECT_GT(failures, 3) << "the batch should take several writes and a sync";
  EXPECT_EQ(*registry->countDevices(DeviceFilter{}), 61u);
  EXPECT_FALSE(registry->getDevice("SN-2")->has_value());
  EXPECT_EQ(RawDb(dir / "registry.db").text("PRAGMA integrity_check"), "ok");
  // The registry keeps working after the failures.
  EXPECT_TRUE(registry->appendEvent(makeEvent("F-1", DeviceEvent::Kind::Request, 5)).ok());
}

TEST(SqliteFaultInjection, FailedAppendIsNotAcknowledged) {
  FaultVfs vfs("sztp-test-fault-append");
  testutil::TempDir dir;
  SqliteOptions options = optionsFor(dir / "registry.db");
  options.vfs = vfs.name();
  auto registry = openOrFail(options);
  ASSERT_TRUE(registry);
  populate(*registry);
  for (long n = 1;; ++n) {
    ASSERT_LT(n, 100);
    vfs.failNth(n);
    auto id = registry->appendEvent(makeProgress("SN-2", model::ProgressType::ConfigError, 9));
    vfs.disarm();
    if (id.ok()) {
      break;
    }
    EXPECT_EQ(id.error(), RegistryErrc::StorageFailure);
    EXPECT_TRUE(registry->listEvents("SN-2", 0, 0)->empty());
    EXPECT_EQ((*registry->getDevice("SN-2"))->stage, DeviceStage::Registered);
  }
  EXPECT_EQ((*registry->getDevice("SN-2"))->stage, DeviceStage::Failed);
}

}  // namespace
}  // namespace sztp::registry::test
