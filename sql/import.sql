-- IMPORT FOREIGN SCHEMA: tables and views (never sqlite_* internals), the type mapping, NOT NULL,
-- awkward and over-long names, LIMIT TO / EXCEPT, and notices instead of failures for what
-- cannot be imported as declared.
\getenv abs_builddir PG_ABS_BUILDDIR
\set app_db :abs_builddir '/results/fixtures/app.db'
\set types_db :abs_builddir '/results/fixtures/types.db'

CREATE SERVER app FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'app_db');
CREATE SCHEMA sqlite_app;
IMPORT FOREIGN SCHEMA main FROM SERVER app INTO sqlite_app;
\det sqlite_app.*
\d sqlite_app.users
\d sqlite_app.kv
\d sqlite_app."Odd Name"
\d sqlite_app.untyped
\d sqlite_app.unknown_types
\d sqlite_app.gen
\d sqlite_app.admins
\d sqlite_app.a_table_whose_name_is_much_longer_than_the_sixty_three_036643c7

-- names round-trip: spaces, quotes, case, reserved words, shortened names
SELECT * FROM sqlite_app."Odd Name";
SELECT * FROM sqlite_app.a_table_whose_name_is_much_longer_than_the_sixty_three_036643c7;
SELECT * FROM sqlite_app.gen ORDER BY a;
SELECT * FROM sqlite_app.admins ORDER BY id;
SELECT * FROM sqlite_app.untyped ORDER BY a;
SELECT * FROM sqlite_app.unknown_types;

-- LIMIT TO and EXCEPT
CREATE SCHEMA only_some;
IMPORT FOREIGN SCHEMA main LIMIT TO (users, "Odd Name", no_such_table) FROM SERVER app INTO only_some;
\det only_some.*
CREATE SCHEMA all_but;
IMPORT FOREIGN SCHEMA main EXCEPT (users, untyped, unknown_types, admins, ghost) FROM SERVER app INTO all_but;
\det all_but.*

-- every declared type of the mapping table
CREATE SERVER types FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'types_db');
CREATE SCHEMA sqlite_types;
IMPORT FOREIGN SCHEMA main FROM SERVER types INTO sqlite_types;
\d sqlite_types.typed
\d sqlite_types.zoned

-- a SQLite file has one schema, "main"
IMPORT FOREIGN SCHEMA temp FROM SERVER app INTO only_some;  -- ERROR
IMPORT FOREIGN SCHEMA main FROM SERVER app INTO no_such_schema;  -- ERROR
-- importing twice fails on the existing tables, as for any FDW
IMPORT FOREIGN SCHEMA main LIMIT TO (users) FROM SERVER app INTO only_some;  -- ERROR
