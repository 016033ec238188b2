-- Every value arrives exactly or the query stops with an error that names the value, the reason,
-- and (in the context) the SQLite table, column and rowid; file problems give clear errors; a
-- failing callback leaves the session usable; writes are refused for now.
\getenv abs_builddir PG_ABS_BUILDDIR
\set fixtures :abs_builddir '/results/fixtures'
\set bad_db :fixtures '/bad.db'
\set missing_db :fixtures '/missing.db'
\set directory_db :fixtures '/directory.db'
\set empty_db :fixtures '/empty.db'
\set notadb_db :fixtures '/notadb.db'
\set corrupt_db :fixtures '/corrupt.db'
\set locked_db :fixtures '/locked.db'
\set newer_db :fixtures '/newer_format.db'
\set hot_db :fixtures '/hot_journal.db'
SET regress.fixtures = :'fixtures';

CREATE SERVER bad FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'bad_db');
CREATE SCHEMA sqlite_bad;
IMPORT FOREIGN SCHEMA main FROM SERVER bad INTO sqlite_bad;
SET search_path = sqlite_bad, public;

SELECT int_overflow FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT real_fraction FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT not_a_number FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT rounding FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT too_big FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT bad_utf8 FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT nul_byte FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT too_long FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT impossible_date FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT date_with_time FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT zoned FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT leap_second FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT too_precise FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT maybe FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT broken_json FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT bad_uuid FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT blob_int FROM bad;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
-- the same bytes arrive intact as bytea
CREATE FOREIGN TABLE bad_bytes (id int, bad_utf8 bytea, nul_byte bytea) SERVER bad OPTIONS (table_name 'bad');
SELECT * FROM bad_bytes WHERE id IN (7, 8) ORDER BY id;
-- long values are shortened in messages; tables without rowid name the row by position
SELECT * FROM long_text;  -- ERROR
SELECT * FROM no_rowid;  -- ERROR
-- rows a query excludes by rowid are never read, so their values cannot fail it
SELECT id, int_overflow FROM bad WHERE id = 1;
SELECT id, int_overflow FROM bad WHERE id > 2 AND int_overflow IS NOT NULL;
SELECT count(*) FROM bad;

-- file problems, each with its own message and SQLSTATE (paths masked)
CREATE FOREIGN TABLE file_t (id int) SERVER bad OPTIONS (table_name 't');
ALTER SERVER bad OPTIONS (SET database :'missing_db');
SELECT regress_error('SELECT * FROM file_t');
ALTER SERVER bad OPTIONS (SET database :'directory_db');
SELECT regress_error('SELECT * FROM file_t');
ALTER SERVER bad OPTIONS (SET database :'empty_db');
SELECT regress_error('SELECT * FROM file_t');
ALTER SERVER bad OPTIONS (SET database :'notadb_db');
SELECT regress_error('SELECT * FROM file_t');
ALTER SERVER bad OPTIONS (SET database :'corrupt_db');
SELECT regress_error('SELECT count(*) FROM file_t');
-- a file another process holds an exclusive lock on: an error after busy_timeout_ms, no hang
ALTER SERVER bad OPTIONS (SET database :'locked_db', ADD busy_timeout_ms '200');
SELECT count(*) FROM file_t;
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && ( (printf 'BEGIN EXCLUSIVE;\n.shell touch locked.held\n'; sleep 2) | sqlite3 locked.db >/dev/null 2>&1; touch locked.released ) &
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && while [ ! -f locked.held ]; do sleep 0.05; done
SELECT regress_error('SELECT count(*) FROM file_t');
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && while [ ! -f locked.released ]; do sleep 0.05; done
SELECT count(*) FROM file_t;
-- a file written by a newer SQLite, and one whose writer crashed and left a hot journal
ALTER SERVER bad OPTIONS (SET database :'newer_db');
SELECT regexp_replace(regress_error('SELECT count(*) FROM file_t'), 'SQLite [0-9.]+ cannot', 'SQLite N cannot');
ALTER SERVER bad OPTIONS (SET database :'hot_db');
SELECT regress_error('SELECT count(*) FROM file_t');

-- a failing callback (here a C++ exception, thrown for a missing SQLite table, turned into an
-- ERROR) leaves the session usable
ALTER SERVER bad OPTIONS (SET database :'bad_db');
CREATE FOREIGN TABLE absent_t (id int) SERVER bad OPTIONS (table_name 'no_such_table');
\set VERBOSITY terse
SELECT * FROM absent_t;  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT 'session still works' AS status;
BEGIN;
SELECT count(*) FROM bad;
SELECT * FROM absent_t;  -- ERROR
ROLLBACK;
\set VERBOSITY default
SELECT 'and after a rollback' AS status;

-- writes need the foreign table (or its server) to be updatable
INSERT INTO file_t VALUES (1);  -- ERROR
UPDATE file_t SET id = 2;  -- ERROR
DELETE FROM file_t;  -- ERROR
RESET search_path;
