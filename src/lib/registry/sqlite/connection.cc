#include "registry/sqlite/connection.h"

#include <sqlite3.h>

#include <utility>

#include "registry/registry_error.h"

namespace sztp::registry::sqlite {

Error sqliteError(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  const auto code = (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
                        ? RegistryErrc::StorageCorrupt
                        : RegistryErrc::StorageFailure;
  std::string detail(what);
  detail += ": ";
  detail += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  detail += " (";
  detail += sqlite3_errstr(rc);
  detail += ")";
  return Error(code, detail);
}

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, ByteView blob) {
  // A zero-length blob must still bind as a blob, not as NULL.
  static constexpr std::uint8_t kEmpty = 0;
  sqlite3_bind_blob64(stmt_, index, blob.empty() ? &kEmpty : blob.data(), blob.size(),
                      SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  // Bind errors (SQLITE_RANGE, SQLITE_TOOBIG) surface here too, with the
  // connection's message.
  return sqliteError(connection_->handle(), rc, sqlite3_sql(stmt_));
}

Status Statement::run() {
  while (true) {
    auto row = step();
    if (!row) {
      return std::move(row).error();
    }
    if (!*row) {
      // Ready to run again with new bindings (a loop of inserts).
      sqlite3_reset(stmt_);
      return {};
    }
  }
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  return data == nullptr
             ? std::string()
             : std::string(reinterpret_cast<const char*>(data), static_cast<std::size_t>(size));
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

Bytes Statement::blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  return data == nullptr ? Bytes() : Bytes(data, data + size);
}

bool Statement::isNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path, int flags,
                                                     const std::string& vfs, int busyTimeoutMs) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    Error error = sqliteError(db, rc, "opening " + path);
    sqlite3_close_v2(db);
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busyTimeoutMs);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) {
    sqlite3_finalize(stmt);
  }
  sqlite3_close_v2(db_);
}

Status Connection::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) {
    return sqliteError(db_, rc, text);
  }
  return {};
}

Result<std::string> Connection::queryText(std::string_view sql) {
  auto stmt = prepare(std::string(sql));
  if (!stmt) {
    return std::move(stmt).error();
  }
  auto row = stmt->step();
  if (!row) {
    return std::move(row).error();
  }
  return *row ? stmt->text(0) : std::string();
}

Result<std::int64_t> Connection::queryInteger(std::string_view sql) {
  auto stmt = prepare(std::string(sql));
  if (!stmt) {
    return std::move(stmt).error();
  }
  auto row = stmt->step();
  if (!row) {
    return std::move(row).error();
  }
  return *row ? stmt->integer(0) : 0;
}

Result<Statement> Connection::prepare(const std::string& sql) {
  if (const auto it = cache_.find(sql); it != cache_.end()) {
    return Statement(*this, it->second);
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return sqliteError(db_, rc, sql);
  }
  cache_.emplace(sql, stmt);
  return Statement(*this, stmt);
}

std::int64_t Connection::lastInsertId() const {
  return sqlite3_last_insert_rowid(db_);
}

int Connection::changes() const {
  return sqlite3_changes(db_);
}

bool Connection::inTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

void Connection::rollbackQuietly() {
  if (inTransaction()) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Connection::trackWal() {
  sqlite3_wal_hook(db_, &Connection::onWalCommit, this);
}

int Connection::onWalCommit(void* self, sqlite3*, const char*, int frames) {
  static_cast<Connection*>(self)->walFrames_ = frames;
  return SQLITE_OK;
}

}  // namespace sztp::registry::sqlite
