// SQLite result code -> SQLSTATE. SQLite's message itself always goes in the error's detail.
#include "core/sqlite_status.hpp"

#include <sqlite3.h>

#include "core/error.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

const char *sqlstate_for_sqlite(int rc) {
  switch (rc) {
    case SQLITE_READONLY_ROLLBACK:
    case SQLITE_READONLY_RECOVERY:
    case SQLITE_READONLY_CANTINIT:
    case SQLITE_READONLY_DIRECTORY:
      return sqlstate::kObjectNotInPrerequisiteState;
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return sqlstate::kUniqueViolation;
    case SQLITE_CONSTRAINT_NOTNULL:
      return sqlstate::kNotNullViolation;
    case SQLITE_CONSTRAINT_CHECK:
      return sqlstate::kCheckViolation;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return sqlstate::kForeignKeyViolation;
    case SQLITE_BUSY_SNAPSHOT:
      return sqlstate::kSerializationFailure;
    default:
      break;
  }
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
    case SQLITE_CONSTRAINT:
      return sqlstate::kIntegrityConstraintViolation;
    case SQLITE_FULL:
      return sqlstate::kDiskFull;
    default:
      return sqlstate::kFdwError;
  }
}

const char *hint_for_sqlite(int rc) {
  switch (rc) {
    case SQLITE_READONLY_ROLLBACK:
      return "The file has a hot journal (its \"-journal\" file) left by a writer that stopped in the middle of a "
             "transaction, and SQLite must roll that back before the file can be read. Open the file once with sqlite3 as "
             "a user who may write it and its directory.";
    case SQLITE_READONLY_RECOVERY:
    case SQLITE_READONLY_CANTINIT:
    case SQLITE_READONLY_DIRECTORY:
      return "The file is in WAL mode and its \"-wal\" or \"-shm\" file needs recovering or creating, which a read-only "
             "connection cannot do. Let the server's user write the file's directory, or run PRAGMA "
             "wal_checkpoint(TRUNCATE) on the file as its owner.";
    case SQLITE_BUSY_SNAPSHOT:
      return "Another process wrote to the file after this transaction first read it, so its snapshot cannot become a "
             "write transaction. Retry the transaction.";
    default:
      break;
  }
  if ((rc & 0xff) == SQLITE_BUSY)
    return "Another process holds a lock on the file. The server option busy_timeout_ms sets how long to wait.";
  return "";
}

}  // namespace hangar
