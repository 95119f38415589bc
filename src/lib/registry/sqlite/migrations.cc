#include "registry/sqlite/migrations.h"

#include <array>
#include <string>

#include "registry/registry_error.h"

namespace sztp::registry::sqlite {
namespace {

// Version 1. Inventory objects are (kind, name, JSON body) rows; devices have
// the columns that are filtered or maintained by the server (type, owner,
// stage, last seen) and the voucher as a BLOB (most of a device's size; as
// base64 inside JSON it would cost a third more and slow every parse) beside
// the JSON body of everything else. References are
// kept in *_refs tables indexed by target so that "is X still used?" is an
// index probe, not a scan of JSON bodies. stage_counts is maintained by
// triggers so the onboarding funnel costs one row read per stage at any size.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE registry_meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO registry_meta (key, value) VALUES ('revision', 0);

CREATE TABLE objects (
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (kind, name)
) WITHOUT ROWID;

CREATE TABLE object_refs (
  src_kind TEXT NOT NULL,
  src_name TEXT NOT NULL,
  dst_kind TEXT NOT NULL,
  dst_name TEXT NOT NULL,
  PRIMARY KEY (src_kind, src_name, dst_kind, dst_name),
  FOREIGN KEY (src_kind, src_name) REFERENCES objects (kind, name) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX object_refs_by_target ON object_refs (dst_kind, dst_name);

CREATE TABLE devices (
  serial       TEXT PRIMARY KEY,
  device_type  TEXT NOT NULL,
  owner        TEXT NOT NULL,
  stage        TEXT NOT NULL,
  last_seen_ms INTEGER NOT NULL,
  voucher      BLOB,
  body         TEXT NOT NULL
);
CREATE INDEX devices_by_type ON devices (device_type, serial);
CREATE INDEX devices_by_owner ON devices (owner, serial);
CREATE INDEX devices_by_stage ON devices (stage, serial);

CREATE TABLE device_refs (
  serial   TEXT NOT NULL REFERENCES devices (serial) ON DELETE CASCADE,
  dst_kind TEXT NOT NULL,
  dst_name TEXT NOT NULL,
  PRIMARY KEY (serial, dst_kind, dst_name)
) WITHOUT ROWID;
CREATE INDEX device_refs_by_target ON device_refs (dst_kind, dst_name);

CREATE TABLE stage_counts (
  stage   TEXT PRIMARY KEY,
  devices INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO stage_counts (stage, devices) VALUES
  ('registered', 0), ('contacted', 0), ('bootstrapping', 0),
  ('rebooting', 0), ('failed', 0), ('completed', 0);
CREATE TRIGGER devices_count_insert AFTER INSERT ON devices BEGIN
  UPDATE stage_counts SET devices = devices + 1 WHERE stage = NEW.stage;
END;
CREATE TRIGGER devices_count_delete AFTER DELETE ON devices BEGIN
  UPDATE stage_counts SET devices = devices - 1 WHERE stage = OLD.stage;
END;
CREATE TRIGGER devices_count_update AFTER UPDATE OF stage ON devices
WHEN OLD.stage <> NEW.stage BEGIN
  UPDATE stage_counts SET devices = devices - 1 WHERE stage = OLD.stage;
  UPDATE stage_counts SET devices = devices + 1 WHERE stage = NEW.stage;
END;

CREATE TABLE events (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  serial         TEXT NOT NULL REFERENCES devices (serial) ON DELETE CASCADE,
  time_ms        INTEGER NOT NULL,
  kind           TEXT NOT NULL,
  source_address TEXT NOT NULL,
  progress_type  TEXT,
  reason         TEXT NOT NULL,
  message        TEXT NOT NULL,
  detail         TEXT NOT NULL
);
CREATE INDEX events_by_device ON events (serial, id);

CREATE TABLE audit (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms        INTEGER NOT NULL,
  listener       TEXT NOT NULL,
  source_address TEXT NOT NULL,
  identity       TEXT NOT NULL,
  method         TEXT NOT NULL,
  path           TEXT NOT NULL,
  status         INTEGER NOT NULL,
  reason         TEXT NOT NULL,
  duration_us    INTEGER NOT NULL
);
CREATE INDEX audit_by_identity ON audit (identity, id);
)sql";

// Version 2: the RFC 9646 LDevID state of devices (S19–S22): the
// csr-request outstanding and the certificate last issued. A table of its
// own rather than device columns, so that a device put (inventory apply)
// never touches it and a device's removal takes it along.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE ldevids (
  serial                  TEXT PRIMARY KEY REFERENCES devices (serial) ON DELETE CASCADE,
  request_pending         INTEGER NOT NULL,
  requested_key_algorithm TEXT NOT NULL,
  requested_ms            INTEGER NOT NULL,
  certificate             BLOB NOT NULL,
  issued_ms               INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

constexpr std::array kMigrations{
    Migration{1, kSchemaV1},
    Migration{2, kSchemaV2},
};

Status migrateLocked(Connection& connection, std::span<const Migration> migrations) {
  auto applicationId = connection.queryInteger("PRAGMA application_id");
  if (!applicationId) {
    return std::move(applicationId).error();
  }
  auto version = connection.queryInteger("PRAGMA user_version");
  if (!version) {
    return std::move(version).error();
  }
  if (*applicationId != 0 && *applicationId != kApplicationId) {
    return Error(RegistryErrc::StorageCorrupt,
                 "the file belongs to another application (application_id " +
                     std::to_string(*applicationId) + ")");
  }
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  if (*version > latest) {
    return Error(RegistryErrc::SchemaTooNew, "schema version " + std::to_string(*version) +
                                                 ", this build knows up to " +
                                                 std::to_string(latest));
  }
  if (*version == 0) {
    auto tables = connection.queryInteger("SELECT count(*) FROM sqlite_schema");
    if (!tables) {
      return std::move(tables).error();
    }
    if (*tables != 0) {
      return Error(RegistryErrc::StorageCorrupt,
                   "the database has tables but no sztp schema version; it is not a registry");
    }
  }
  for (const auto& migration : migrations) {
    if (migration.version <= *version) {
      continue;
    }
    if (auto status = connection.exec(migration.sql); !status) {
      Error error = std::move(status).error();
      error.addContext("schema migration " + std::to_string(migration.version));
      return error;
    }
  }
  if (latest != *version) {
    // Both live in the database header, which commits with the transaction.
    if (auto s = connection.exec("PRAGMA user_version = " + std::to_string(latest)); !s) {
      return s;
    }
    if (auto s = connection.exec("PRAGMA application_id = " + std::to_string(kApplicationId)); !s) {
      return s;
    }
  }
  return {};
}

}  // namespace

std::span<const Migration> registryMigrations() {
  return kMigrations;
}

Status migrateSchema(Connection& connection, std::span<const Migration> migrations) {
  if (auto s = connection.exec("BEGIN IMMEDIATE"); !s) {
    return s;
  }
  if (auto s = migrateLocked(connection, migrations); !s) {
    connection.rollbackQuietly();
    return s;
  }
  if (auto s = connection.exec("COMMIT"); !s) {
    connection.rollbackQuietly();
    return s;
  }
  return {};
}

}  // namespace sztp::registry::sqlite
