#pragma once

#include <cstdint>
#include <span>

#include "common/result.h"
#include "registry/sqlite/connection.h"

// Internal: the registry schema as a numbered list of migrations
// (docs/registry.md, "Schema and migrations").

namespace sztp::registry::sqlite {

/// PRAGMA application_id of every sztp registry ("sztp" in ASCII), so that
/// another application's SQLite file is recognised and left alone.
inline constexpr std::int64_t kApplicationId = 0x737a7470;

/// Migration `version` turns a schema at version - 1 into one at `version`. The
/// list is append-only: a released migration is never edited, a change is a
/// new entry.
struct Migration {
  int version;
  const char* sql;
};

/// Every migration of the registry schema, in order; the last version is the
/// schema this build writes.
std::span<const Migration> registryMigrations();

/// Brings the database to the last version of `migrations` in one IMMEDIATE
/// transaction (all migrations or none), recording the version in PRAGMA
/// user_version. Fails with schema-too-new when the file is ahead of the
/// list, storage-corrupt when it carries another application id or, at
/// version 0, another application's tables.
Status migrateSchema(Connection& connection, std::span<const Migration> migrations);

}  // namespace sztp::registry::sqlite
