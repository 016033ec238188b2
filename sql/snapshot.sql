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
