// hangar_sync's comparison of one table (sync_compare.cpp): the state the last migration or sync
// left, the target table now and SQLite's table now, by row key. PostgreSQL zone: call inside
// pg_guard.
#pragma once

#include "migrate/sync_state.hpp"

namespace hangar {

class BagKeys;

// With change capture, only the rows of the keys the file's log holds are read.
struct CaptureRead {
  CopySpec *logged_spec;     // reads the log's distinct keys, converted to the target's key
                             // columns (attnums are target's), inserting nothing; nullptr for
                             // a target without a primary key that nothing was logged for
  const char *count_sql;     // SQLite: SELECT count(*) of the table
};

struct CompareInput {
  Relation target;           // locked against other writers until the transaction ends
  Relation changes;          // a temporary copy of target's columns: gets the SQLite rows to write
  Relation gone;             // a temporary table of target's key columns: gets the keys to delete
                             // (of one tid column when target has no primary key)
  const CopySpec *target_spec;  // the target's attributes, in SQLite column order
  CopySpec *changes_spec;       // the copy of SQLite's table into changes
  const AttrNumber *target_keys;   // the primary key's attributes in target
  const AttrNumber *changes_keys;  // and in changes
  int nkeys;                 // 0: target has no primary key, and its rows are compared as a
                             // multiset (bag_keys.hpp); no capture then
  StateTable state;
  bool overwrite;            // replace rows PostgreSQL changed since the last sync
  const char *target_name;   // quoted and qualified, for messages
  sqlite3 *db;
  const ServerOptions *server;
  const CaptureRead *capture;  // nullptr: read the whole table (changes_spec reads only the
                               // logged rows otherwise)
  SqliteRead *ahead;           // without capture: the caller's read of every table, at this one's
                               // rows (start_read_ahead); nullptr: the comparison reads on its own
};

// How far SQLite's rows may be read ahead while targets are scanned.
constexpr size_t kSyncReadAheadBytes = 128 * 1024 * 1024;

struct CompareResult {
  int64 inserts = 0;         // SQLite rows with a key the target lacks
  int64 updates = 0;         // SQLite rows the target holds otherwise
  int64 deletes = 0;         // target rows whose key SQLite no longer has
  int64 rejected = 0;        // SQLite rows that do not convert (reject mode)
  bool had_state = false;    // false: the target's rows were taken as the last state
  TableChecksum expected;    // what the target must hold once written: SQLite's rows, and the
                             // previous version of each rejected one
  TableChecksum untouched;   // the target's rows this sync leaves as they are
  bool state_changed = false;  // the new state differs from the stored one (else not rewritten)
  int64 logged = 0;          // capture: the keys the log held
  bool escaped = false;      // capture: SQLite's row count is not the one the log explains (a
                             // change escaped the triggers); nothing was written, read it whole
  BagKeys *sqlite_copies = nullptr;  // no primary key: the copies of each content SQLite has, as
                                     // the new state keys them
};

// Fills changes and gone, refuses (ERROR 55000) a row PostgreSQL changed since the last state
// unless overwrite, and writes the new state. Nothing is written to target. With capture, the
// rows whose key was not logged are taken as the state has them, on both sides.
CompareResult compare_table(const CompareInput &in);

}  // namespace hangar
