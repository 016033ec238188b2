-- Principle 1 and all or nothing: in stop mode the first value that cannot arrive exactly stops
-- the migration naming table, column, rowid, value and reason, and nothing is left behind; an
-- orphan row (foreign keys were off in SQLite) stops it naming the constraint and the rowids.
-- In reject mode such rows are recorded in hangar.rejects with the reason, children of rejected
-- rows follow them, the report counts them, and every foreign key holds.
\getenv abs_builddir PG_ABS_BUILDDIR
\set bad_db :abs_builddir '/results/fixtures/migrate_bad.db'
SET client_min_messages = warning;
SET datestyle = 'ISO, YMD';
SELECT coalesce(max(run_id), 0) AS runs_before FROM hangar.rejects \gset

SELECT * FROM hangar_migrate(:'bad_db', 'stopped');  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname = 'stopped';
SELECT count(*) AS types FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typname IN ('owners', 'pets');
SELECT count(*) AS rejects FROM hangar.rejects WHERE run_id > :runs_before;

-- with the bad value read as text, the orphans stop it
SELECT * FROM hangar_migrate(:'bad_db', 'stopped', column_types => '{"owners.score": "text"}');  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname = 'stopped';

-- reject mode
SELECT table_name, rows_copied, rows_rejected, verified, regexp_replace(detail, 'run_id [0-9]+', 'run_id N') AS detail
FROM hangar_migrate(:'bad_db', 'kept', on_error => 'reject');
SELECT table_name, rowid, column_name, raw_value, reason, sqlstate
FROM hangar.rejects WHERE run_id = (SELECT max(run_id) FROM hangar.rejects)
ORDER BY table_name, rowid;
SELECT * FROM kept.owners ORDER BY id;
SELECT * FROM kept.pets ORDER BY id;
SELECT * FROM kept.visits ORDER BY pet_id;
SELECT * FROM kept.nodes ORDER BY id;
SELECT conname FROM pg_constraint WHERE connamespace = 'kept'::regnamespace AND contype = 'f' ORDER BY 1;
-- hangar_verify compares with the whole SQLite file, so the rejected rows show
SELECT table_name, source_rows, target_rows, verified, detail FROM hangar_verify(:'bad_db', 'kept');
-- names with quotes and semicolons stay names
SELECT table_name, target_table, rows_copied, detail FROM hangar_migrate(:'bad_db', 'names', on_error => 'reject')
WHERE table_name IN ('victim; table', 'evil view');
SELECT * FROM names."evil view";
SELECT count(*) AS owners_still_there FROM names.owners;
-- an error raised by a type's own input function is a rejected row too, and the migration goes on
SELECT table_name, rows_copied, rows_rejected FROM hangar_migrate(:'bad_db', 'by_input', on_error => 'reject',
  column_types => '{"owners.name": "inet", "pets.name": "inet"}')
WHERE table_name IN ('owners', 'pets') ORDER BY 1;
SELECT table_name, rowid, column_name, raw_value, reason, sqlstate
FROM hangar.rejects WHERE run_id = (SELECT max(run_id) FROM hangar.rejects) AND column_name = 'name'
ORDER BY table_name, rowid;
-- two keys SQLite keeps apart that the column's type makes one (1 and '1' in a column without a
-- type, mapped to text): PostgreSQL's key fails, and the hint says why
\set dup_db :abs_builddir '/results/fixtures/duplicate_keys.db'
\setenv DUP_DB :dup_db
\! rm -f "$DUP_DB"; sqlite3 "$DUP_DB" "CREATE TABLE mixed (k PRIMARY KEY, v TEXT); INSERT INTO mixed VALUES (1, 'an integer'), ('1', 'its text'), ('x', 'text')"
SELECT * FROM hangar_migrate(:'dup_db', 'duplicates');
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname = 'duplicates';
-- in reject mode the first row of each such key stays (SQLite's order) and the others are
-- rejected, each named by its rowid; keys with NULL are not duplicates; children of a key keep
-- their parent
\! sqlite3 "$DUP_DB" "CREATE TABLE pairs (a, b, note TEXT, PRIMARY KEY (a, b)); INSERT INTO pairs VALUES (1, 2, 'first'), ('1', '2', 'second'), ('1', 2, 'third'), (1, 3, 'other'); CREATE TABLE tags (id INTEGER PRIMARY KEY, u UNIQUE); INSERT INTO tags VALUES (1, 5), (2, '5'), (3, NULL), (4, NULL); CREATE TABLE refs (id INTEGER PRIMARY KEY, k REFERENCES mixed (k)); INSERT INTO refs VALUES (1, 1), (2, '1'), (3, 'x')"
SELECT table_name, rows_copied, rows_rejected, verified, detail
FROM hangar_migrate(:'dup_db', 'duplicates', on_error => 'reject') ORDER BY table_name;
SELECT table_name, rowid, column_name, raw_value, reason, sqlstate
FROM hangar.rejects WHERE run_id = (SELECT max(run_id) FROM hangar.rejects) ORDER BY table_name, rowid;
SELECT * FROM duplicates.mixed ORDER BY k;
SELECT * FROM duplicates.pairs ORDER BY a, b;
SELECT * FROM duplicates.tags ORDER BY id;
SELECT count(*) AS refs FROM duplicates.refs;
SELECT conname, contype FROM pg_constraint WHERE connamespace = 'duplicates'::regnamespace AND contype <> 'n' ORDER BY 1;

-- a row of a WITHOUT ROWID table has no rowid to be named by: its primary key names it, in the
-- error, in hangar.rejects and in the detail of a widened column
\set wr_db :abs_builddir '/results/fixtures/without_rowid_errors.db'
\setenv WR_DB :wr_db
\! rm -f "$WR_DB"; sqlite3 "$WR_DB" "CREATE TABLE kv (k TEXT, n INTEGER, v INTEGER, PRIMARY KEY (k, n)) WITHOUT ROWID; INSERT INTO kv VALUES ('a', 1, 5), ('b', 2, 'five'), ('c', 3, 6000000000)"
SELECT * FROM hangar_migrate(:'wr_db', 'without_rowid');
SELECT table_name, rows_copied, rows_rejected, regexp_replace(detail, 'run_id \d+', 'run_id N') AS detail
FROM hangar_migrate(:'wr_db', 'without_rowid', on_error => 'reject');
SELECT table_name, rowid, column_name, raw_value, reason FROM hangar.rejects
WHERE run_id = (SELECT max(run_id) FROM hangar.rejects);
DROP SCHEMA without_rowid CASCADE;
