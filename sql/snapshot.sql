-- One snapshot: every read of one SQLite file inside one PostgreSQL transaction sees the same
-- SQLite read transaction. In a WAL-mode file another process keeps writing meanwhile (it is
-- not blocked) and its rows become visible with the next PostgreSQL transaction.
\getenv abs_builddir PG_ABS_BUILDDIR
\set wal_db :abs_builddir '/results/fixtures/wal.db'
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && sqlite3 wal.db "PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE log (n INTEGER); INSERT INTO t VALUES (1, 'before');" >/dev/null

CREATE SERVER wal FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'wal_db', busy_timeout_ms '0');
CREATE FOREIGN TABLE wal_t (id int, v text) SERVER wal OPTIONS (table_name 't');
CREATE FOREIGN TABLE wal_log (n int) SERVER wal OPTIONS (table_name 'log');
-- a second server on the same file shares the snapshot
CREATE SERVER wal_too FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'wal_db');
CREATE FOREIGN TABLE wal_t_too (id int, v text) SERVER wal_too OPTIONS (table_name 't');

BEGIN;
SELECT * FROM wal_t ORDER BY id;
-- another process writes while our read transaction is open; busy_timeout 0 would fail if blocked
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && sqlite3 -cmd ".timeout 0" wal.db "INSERT INTO t VALUES (2, 'during'); INSERT INTO log VALUES (1);" && echo "writer committed"
SELECT * FROM wal_t ORDER BY id;
SELECT * FROM wal_t_too ORDER BY id;
SELECT count(*) AS log_rows FROM wal_log;
COMMIT;
SELECT * FROM wal_t ORDER BY id;
SELECT count(*) AS log_rows FROM wal_log;

-- a rolled-back transaction ends its snapshot too
BEGIN;
SELECT count(*) FROM wal_t;
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && sqlite3 wal.db "INSERT INTO t VALUES (3, 'after rollback');"
SELECT count(*) FROM wal_t;
ROLLBACK;
SELECT count(*) FROM wal_t;

-- a new file moved onto the path (as a deployment or rsync replaces a file) is read from the
-- next transaction on: the cached connection, which still has the old file open, is reopened.
-- Inside a transaction the snapshot stays the old file's.
\set moved_db :abs_builddir '/results/fixtures/moved.db'
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && rm -f moved.db moved_new.db && sqlite3 moved.db "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)" && sqlite3 moved_new.db "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (2), (3)"
CREATE SERVER moved FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'moved_db');
CREATE FOREIGN TABLE moved_t (a int) SERVER moved OPTIONS (table_name 't');
SET client_min_messages = warning;
SELECT table_name, rows_copied FROM hangar_migrate(:'moved_db', 'moved_1');
BEGIN;
SELECT * FROM moved_t;
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && mv moved_new.db moved.db
SELECT * FROM moved_t;
COMMIT;
SELECT * FROM moved_t ORDER BY a;
SELECT table_name, rows_copied FROM hangar_migrate(:'moved_db', 'moved_2');
SELECT * FROM moved_2.t ORDER BY a;
SELECT table_name, source_rows, target_rows, verified FROM hangar_verify(:'moved_db', 'moved_2');
-- a file gone is an error naming it, not the old file's rows
\! rm -f "$PG_ABS_BUILDDIR/results/fixtures/moved.db"
SET regress.fixtures = :'abs_builddir';
SELECT regress_error('SELECT * FROM moved_t');
RESET regress.fixtures;
DROP SCHEMA moved_1 CASCADE;
DROP SCHEMA moved_2 CASCADE;
DROP SERVER moved CASCADE;
RESET client_min_messages;
