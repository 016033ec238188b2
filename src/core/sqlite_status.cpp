// SQLite result code -> SQLSTATE. SQLite's message itself always goes in the error's detail.
#include "core/sqlite_status.hpp"

#include <sqlite3.h>

#include "core/error.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

const char *sqlstate_for_sqlite(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return sqlstate::kFdwUnableToEstablishConnection;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_FORMAT:
      return sqlstate::kDataCorrupted;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return sqlstate::kLockNotAvailable;
    case SQLITE_NOMEM:
      return sqlstate::kOutOfMemory;
    case SQLITE_INTERRUPT:
      return sqlstate::kQueryCanceled;
    case SQLITE_READONLY:
      return sqlstate::kReadOnlySqlTransaction;
    default:
      return sqlstate::kFdwError;
  }
}

}  // namespace hangar
