// SQLite's own JSON functions, usable in a file's schema on connections with trusted_schema off.
//
// hangar_fdw opens every file with trusted_schema off (core/sqlite_db): SQL stored in the file may
// then call only functions marked innocuous. SQLite 3.40 (Debian 12's) does not mark its JSON
// functions so, although they have no side effects, and a file whose schema calls one (Django's
// JSONField CHECK (JSON_VALID(col)), a generated column over json_extract) cannot even have its
// schema read: SQLite says "malformed database schema ... unsafe use of json_extract()". Each
// connection therefore gets innocuous functions of the same names and argument counts that hand
// their arguments to SQLite's built-in function on a private in-memory connection and return its
// result, or its error, unchanged.
#pragma once

#include <sqlite3.h>

namespace hangar {

// Registers the JSON functions on db; SQLITE_OK or the code of the first registration that failed.
int register_innocuous_json_functions(sqlite3 *db);

}  // namespace hangar
