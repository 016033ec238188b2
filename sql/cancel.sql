-- Long scans stop on statement_timeout: a scan that keeps returning rows (checked per row) and a
-- single SQLite step that never returns a row (stopped by SQLite's progress handler). The session
-- and the cached connection stay usable afterwards.
\getenv abs_builddir PG_ABS_BUILDDIR
\set slow_db :abs_builddir '/results/fixtures/slow.db'

CREATE SERVER slow FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'slow_db');
CREATE FOREIGN TABLE forever (i bigint) SERVER slow;
CREATE FOREIGN TABLE never_first (c bigint) SERVER slow;

SET statement_timeout = '300ms';
SELECT count(*) FROM forever;  -- ERROR
SELECT * FROM never_first;  -- ERROR
RESET statement_timeout;
SELECT i FROM forever LIMIT 3;
BEGIN;
SET LOCAL statement_timeout = '300ms';
SELECT * FROM never_first;  -- ERROR
ROLLBACK;
SELECT i FROM forever LIMIT 1;
