-- hangar_sync: a migrated schema caught up with what the app wrote to SQLite since (here written
-- through an updatable foreign table, as another writer would): rows inserted, changed and
-- deleted by primary key, composite keys too, children deleted before parents, sequences moved
-- on, every table verified, nothing written when nothing changed; a row changed in PostgreSQL
-- since is refused with nothing synced (overwrite => true replaces it), and so is a SQLite table
-- whose schema changed.
\getenv abs_builddir PG_ABS_BUILDDIR
\set sync_db :abs_builddir '/results/fixtures/sync_app.db'
\setenv SYNC_DB :sync_db
SET client_min_messages = warning;
SET datestyle = 'ISO, YMD';

SELECT table_name, rows_copied FROM hangar_migrate(:'sync_db', 'sy') ORDER BY table_name;
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, detail FROM hangar_sync(:'sync_db', 'sy');

-- the app writes to SQLite
CREATE SERVER sync_w FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'sync_db', updatable 'true');
CREATE SCHEMA sw;
IMPORT FOREIGN SCHEMA main FROM SERVER sync_w INTO sw;
INSERT INTO sw.parent VALUES (4, 'four');
UPDATE sw.parent SET name = 'TWO' WHERE id = 2;
INSERT INTO sw.child (parent_id, v) VALUES (4, 9.5);
DELETE FROM sw.child WHERE parent_id = 3;
DELETE FROM sw.parent WHERE id = 3;
INSERT INTO sw.pair VALUES (3, 'z', 'new');
UPDATE sw.pair SET note = 'changed' WHERE a = 1 AND b = 'y';
DELETE FROM sw.pair WHERE a = 2;

SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, detail FROM hangar_sync(:'sync_db', 'sy');
SELECT * FROM sy.parent ORDER BY id;
SELECT * FROM sy.child ORDER BY id;
SELECT * FROM sy.pair ORDER BY a, b;
-- nothing new: nothing written
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'sync_db', 'sy');
-- a new row in PostgreSQL gets an id after every one SQLite used
INSERT INTO sy.child (parent_id, v) VALUES (1, 0) RETURNING id;

-- a row changed in PostgreSQL since the last sync: refused, nothing synced
UPDATE sy.parent SET name = 'changed in postgres' WHERE id = 1;
UPDATE sw.parent SET name = 'changed in sqlite' WHERE id = 1;
INSERT INTO sw.pair VALUES (4, 'w', NULL);
SELECT * FROM hangar_sync(:'sync_db', 'sy');
SELECT count(*) AS pairs FROM sy.pair;
-- overwrite => true: SQLite's rows win (the child PostgreSQL added is deleted too)
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'sync_db', 'sy', overwrite => true);
SELECT * FROM sy.parent ORDER BY id;

-- a SQLite table whose schema changed since the migration
\! sqlite3 "$SYNC_DB" "ALTER TABLE pair ADD COLUMN extra INTEGER"
SELECT * FROM hangar_sync(:'sync_db', 'sy');
-- a schema the file was never migrated into
\set VERBOSITY terse
SELECT * FROM hangar_sync(:'sync_db', 'never_migrated');
\set VERBOSITY default

DROP SCHEMA sy, sw CASCADE;
DROP SERVER sync_w CASCADE;
