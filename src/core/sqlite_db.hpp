// Small move-only RAII wrappers over a SQLite connection and a prepared statement.
// Every failure throws hangar::Error with the SQLSTATE from sqlite_status and SQLite's own
// message in the detail. Connections are opened read-only unless asked otherwise.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace hangar {

class Statement {
 public:
  Statement(sqlite3 *db, std::string_view sql);
  ~Statement();
  Statement(Statement &&other) noexcept;
  Statement &operator=(Statement &&other) noexcept;
  Statement(const Statement &) = delete;
  Statement &operator=(const Statement &) = delete;

  // Advances to the next row; false when the result is exhausted.
  bool step();
  void reset();
  void bind_text(int index, std::string_view value);
  void bind_int64(int index, int64_t value);

  int column_type(int col) const;
  bool is_null(int col) const { return column_type(col) == SQLITE_NULL; }
  int64_t column_int64(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;

  sqlite3_stmt *handle() const { return stmt_; }

 private:
  sqlite3_stmt *stmt_ = nullptr;
};

class Database {
 public:
  struct OpenOptions {
    bool read_only = true;
    bool create = false;  // a writable connection may create the file (hangar_export's new file)
    int busy_timeout_ms = 5000;
  };

  // Opens path, checks that it is a readable SQLite database, and throws a clear Error if not.
  Database(const std::string &path, const OpenOptions &options);
  ~Database();
  Database(Database &&other) noexcept;
  Database &operator=(Database &&other) noexcept;
  Database(const Database &) = delete;
  Database &operator=(const Database &) = delete;

  Statement prepare(std::string_view sql) const { return Statement(db_, sql); }
  void exec(const std::string &sql) const;
  // The single integer a one-row query returns.
  int64_t query_int64(std::string_view sql) const;

  sqlite3 *handle() const { return db_; }
  const std::string &path() const { return path_; }
  // Why SQLite cannot read every row of table (empty when it can): its schema names a collation
  // SQLite lacks, one the app that wrote the file defines in its own code (Anki's "unicase"), or
  // is one SQLite stores but cannot read (generated columns computed from each other).
  std::string unreadable_reason(const std::string &table) const;

 private:
  sqlite3 *db_ = nullptr;
  std::string path_;
};

// The collations a connection's schema names and SQLite lacks, as SQLite met them ("a, b"), or
// nullptr; nothing allocated, so safe anywhere. SQLite asks for a missing collation once a
// connection, so they are kept until the Database closes.
const char *missing_collations(sqlite3 *db);

// Builds the Error for a failed SQLite call: "<action>" with SQLite's message as the detail.
Error sqlite_error(sqlite3 *db, int rc, const std::string &action);

// Quotes a SQLite identifier with double quotes, doubling embedded quotes.
std::string quote_sqlite_identifier(std::string_view name);
// Quotes a SQLite string literal with single quotes, doubling embedded quotes.
std::string quote_sqlite_literal(std::string_view text);

}  // namespace hangar
