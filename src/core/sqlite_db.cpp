// RAII SQLite connection and statement. Opening checks the path before SQLite sees it, so
// that a missing file, a directory or an empty file gets its own message rather than SQLite's
// generic "unable to open database file", and reads the schema once so that a file that is not
// a database (or is locked) fails at open time, not in the middle of a scan.
#include "core/sqlite_db.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "core/error.hpp"
#include "core/sqlite_json.hpp"
#include "core/sqlite_status.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

Error sqlite_error(sqlite3 *db, int rc, const std::string &action) {
  std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return Error(sqlstate_for_sqlite(rc), action, "SQLite said: " + detail + ".", hint_for_sqlite(rc));
}

std::string quote_sqlite_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string quote_sqlite_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

Statement::Statement(sqlite3 *db, std::string_view sql) {
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    stmt_ = nullptr;
    throw sqlite_error(db, rc, "could not prepare SQLite query: " + std::string(sql));
  }
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement &&other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement &Statement::operator=(Statement &&other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3 *db = sqlite3_db_handle(stmt_);
  const char *file = sqlite3_db_filename(db, "main");
  throw Error(sqlstate_for_sqlite(rc), std::string("could not read SQLite database \"") + (file ? file : "") + "\"",
              std::string("SQLite said: ") + sqlite3_errmsg(db) + ".", hint_for_sqlite(rc));
}

void Statement::reset() { sqlite3_reset(stmt_); }

void Statement::bind_text(int index, std::string_view value) {
  int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw sqlite_error(sqlite3_db_handle(stmt_), rc, "could not bind a SQLite parameter");
}

void Statement::bind_int64(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) throw sqlite_error(sqlite3_db_handle(stmt_), rc, "could not bind a SQLite parameter");
}

int Statement::column_type(int col) const { return sqlite3_column_type(stmt_, col); }
int64_t Statement::column_int64(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::column_double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::column_text(int col) const {
  const unsigned char *text = sqlite3_column_text(stmt_, col);
  if (!text) return {};
  return std::string(reinterpret_cast<const char *>(text), sqlite3_column_bytes(stmt_, col));
}

namespace {

// Rejects paths SQLite would misreport or silently accept (an empty file opens as an empty
// database; a missing file would be created were the connection writable).
void check_path(const std::string &path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    int err = errno;
    throw Error(sqlstate::kFdwUnableToEstablishConnection, "could not open SQLite database \"" + path + "\"",
                std::string("The file could not be read: ") + std::strerror(err) + ".");
  }
  if (S_ISDIR(st.st_mode))
    throw Error(sqlstate::kFdwUnableToEstablishConnection, "could not open SQLite database \"" + path + "\"",
                "The path is a directory, not a SQLite database file.");
  if (st.st_size == 0)
    throw Error(sqlstate::kDataCorrupted, "file \"" + path + "\" is not a SQLite database",
                "The file is empty.");
}

// What the first read of a file can fail with, in the user's terms.
Error open_error(sqlite3 *db, int rc, const std::string &path) {
  std::string said = sqlite3_errmsg(db);
  if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
    return sqlite_error(db, rc, "file \"" + path + "\" is not a valid SQLite database");
  if ((rc & 0xff) == SQLITE_ERROR && said.find("unsupported file format") != std::string::npos)
    return Error(sqlstate::kDataCorrupted,
                 "SQLite database \"" + path + "\" has a file format this SQLite " + sqlite3_libversion() + " cannot read",
                 "SQLite said: " + said + ".", "It was written by a newer SQLite, or its header is damaged.");
  return sqlite_error(db, rc, "could not read SQLite database \"" + path + "\"");
}

// Each open connection's missing collations, "a, b" (connections are used by one thread).
thread_local std::unordered_map<sqlite3 *, std::string> missing_by_connection;

// SQLite's collation_needed callback: a C callback, so nothing may escape it.
void note_missing_collation(void *, sqlite3 *db, int, const char *name) {
  try {
    std::string &names = missing_by_connection[db];
    names += (names.empty() ? "" : ", ") + std::string(name ? name : "");
  } catch (...) {
  }
}

}  // namespace

const char *missing_collations(sqlite3 *db) {
  auto found = missing_by_connection.find(db);
  return found == missing_by_connection.end() ? nullptr : found->second.c_str();
}

std::string Database::unreadable_reason(const std::string &table) const {
  sqlite3_stmt *stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, ("SELECT * FROM " + quote_sqlite_identifier(table)).c_str(), -1, &stmt, nullptr);
  std::string message = rc == SQLITE_OK ? "" : sqlite3_errmsg(db_);
  sqlite3_finalize(stmt);
  if (rc == SQLITE_OK) return "";
  if (const char *collations = missing_collations(db_))
    return "SQLite cannot read it without the collations its schema names (missing: " + std::string(collations) +
           "), which the app that wrote the file defines in its own code; not migrated";
  // a schema SQLite stores but cannot read (a loop of generated columns): nothing to copy
  return "SQLite cannot read it (" + message + "); not migrated";
}

Database::Database(const std::string &path, const OpenOptions &options) : path_(path) {
  if (!options.create) check_path(path);
  int flags = SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX |
              (options.read_only ? SQLITE_OPEN_READONLY
                                 : SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0));
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = sqlite_error(db_, rc, "could not open SQLite database \"" + path + "\"");
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw error;
  }
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  sqlite3_collation_needed(db_, nullptr, note_missing_collation);
  // The file is untrusted: SQL in its schema (views, triggers, defaults) may not call functions
  // or virtual tables with side effects, and nothing may corrupt it through SQL.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  // SQLite's JSON functions have no side effects, but 3.40 does not say so: a schema calling one
  // would not even load (core/sqlite_json).
  rc = register_innocuous_json_functions(db_);
  // Reading the schema validates the header: a non-database file fails here with SQLITE_NOTADB.
  if (rc == SQLITE_OK) rc = sqlite3_exec(db_, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    Error error = open_error(db_, rc, path);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw error;
  }
}

Database::~Database() {
  if (!db_) return;
  missing_by_connection.erase(db_);
  sqlite3_close_v2(db_);
}

Database::Database(Database &&other) noexcept : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Database &Database::operator=(Database &&other) noexcept {
  if (this != &other) {
    if (db_) {
      missing_by_connection.erase(db_);
      sqlite3_close_v2(db_);
    }
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

void Database::exec(const std::string &sql) const {
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw sqlite_error(db_, rc, "could not run SQLite statement: " + sql);
}

int64_t Database::query_int64(std::string_view sql) const {
  Statement stmt(db_, sql);
  if (!stmt.step()) return 0;
  return stmt.column_int64(0);
}

}  // namespace hangar
