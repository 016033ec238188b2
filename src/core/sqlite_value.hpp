// One SQLite value as a result row holds it: its storage class and content. Text and blob bytes
// point into memory owned by whoever read the row (the statement until its next step, or a
// RowBatch); text is always followed by a NUL byte. Conversion reads values only through this,
// so it works the same on a live statement and on rows read ahead by another thread.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string_view>

namespace hangar {

struct SqliteValue {
  int type = SQLITE_NULL;  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL
  int length = 0;          // of text or blob content
  // the one the storage class has: 16 bytes a value, so rows read ahead take half the memory
  union {
    int64_t integer = 0;
    double real;
    const char *bytes;  // text or blob content
  };

  // Text or blob content; empty for the other storage classes.
  std::string_view content() const {
    bool has_bytes = (type == SQLITE_TEXT || type == SQLITE_BLOB) && bytes;
    return std::string_view(has_bytes ? bytes : "", has_bytes ? static_cast<size_t>(length) : 0);
  }
};
static_assert(sizeof(SqliteValue) == 16, "a value read ahead takes 16 bytes");

// A hash of the value as SQLite stores it: its storage class and its bytes (an integer's or a
// real's 8 bytes), so two values hash alike only when SQLite holds the same thing.
uint64_t sqlite_value_hash(const SqliteValue &v);

inline SqliteValue read_sqlite_value(sqlite3_stmt *stmt, int col) {
  SqliteValue v;
  v.type = sqlite3_column_type(stmt, col);
  switch (v.type) {
    case SQLITE_INTEGER:
      v.integer = sqlite3_column_int64(stmt, col);
      break;
    case SQLITE_FLOAT:
      v.real = sqlite3_column_double(stmt, col);
      break;
    case SQLITE_TEXT:
      v.bytes = reinterpret_cast<const char *>(sqlite3_column_text(stmt, col));
      v.length = sqlite3_column_bytes(stmt, col);
      break;
    case SQLITE_BLOB:
      v.bytes = static_cast<const char *>(sqlite3_column_blob(stmt, col));
      v.length = sqlite3_column_bytes(stmt, col);
      break;
    default:
      break;
  }
  return v;
}

}  // namespace hangar
