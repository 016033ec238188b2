// The one table that maps SQLite result codes to PostgreSQL SQLSTATEs (CONVENTIONS.md 5).
// Both error models use it: hangar::Error thrown by src/core and ereport in the scan's hot path.
#pragma once

namespace hangar {

// SQLSTATE for a SQLite result code (primary or extended).
const char *sqlstate_for_sqlite(int rc);

// A hint for the failures a user can act on (a lock, a hot journal, a WAL file the server cannot
// create); "" for other codes.
const char *hint_for_sqlite(int rc);

}  // namespace hangar
