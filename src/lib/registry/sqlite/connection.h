#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/bytes.h"
#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

// Internal: one SQLite connection with its prepared-statement cache, used by
// one thread at a time (the registry's locks see to that).

namespace sztp::registry::sqlite {

class Connection;

/// A cached prepared statement in use: bind, step, read columns. Reset and
/// unbound when it goes out of scope, so the cache can hand it out again.
class Statement {
 public:
  Statement(Connection& connection, sqlite3_stmt* stmt) : connection_(&connection), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept
      : connection_(other.connection_), stmt_(std::exchange(other.stmt_, nullptr)) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  /// Parameters are numbered from 1, as in SQL ("?1").
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, ByteView blob);
  Statement& bindNull(int index);

  /// One step: true when a row is available, false when done.
  Result<bool> step();
  /// Steps to completion, for statements that return no rows, and resets
  /// the statement so it can be bound and run again.
  Status run();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  Bytes blob(int column) const;
  bool isNull(int column) const;

 private:
  Connection* connection_;
  sqlite3_stmt* stmt_;
};

/// Maps SQLite failures to registry errors: SQLITE_NOTADB and SQLITE_CORRUPT
/// become storage-corrupt, everything else storage-failure; the detail holds
/// `what` and sqlite3_errmsg.
Error sqliteError(sqlite3* db, int rc, std::string_view what);

class Connection {
 public:
  /// Opens `path` with SQLITE_OPEN_* `flags` through `vfs` ("" = default)
  /// and sets the busy timeout. Nothing is read from the file yet.
  static Result<std::unique_ptr<Connection>> open(const std::string& path, int flags,
                                                  const std::string& vfs, int busyTimeoutMs);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }

  /// Runs one or more statements that return nothing (or whose rows are ignored).
  Status exec(std::string_view sql);
  /// Runs a statement returning one text value (PRAGMA journal_mode=WAL).
  Result<std::string> queryText(std::string_view sql);
  Result<std::int64_t> queryInteger(std::string_view sql);

  /// A statement from the cache, prepared on first use. Each distinct SQL
  /// text is prepared once per connection.
  Result<Statement> prepare(const std::string& sql);

  std::int64_t lastInsertId() const;
  int changes() const;
  bool inTransaction() const;
  /// Rolls back whatever transaction is open; used on every failure path so
  /// the next caller starts clean.
  void rollbackQuietly();

  /// WAL frames written since the last checkpoint (from sqlite3_wal_hook).
  int walFrames() const { return walFrames_; }
  /// Enables the WAL hook that counts frames (the writer checkpoints itself,
  /// after commit, so a failed checkpoint can never be reported as a failed
  /// commit).
  void trackWal();

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  static int onWalCommit(void* self, sqlite3* db, const char* name, int frames);

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
  int walFrames_ = 0;
};

}  // namespace sztp::registry::sqlite
