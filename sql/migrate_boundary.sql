-- Where the migration meets the rest of PostgreSQL: rows are written frozen only under COPY
-- FREEZE's own conditions; hangar.rejects is written through an ordinary INSERT, so its indexes
-- and triggers see every rejected row; a conversion that queries the same SQLite file (a
-- domain's CHECK over a foreign table) works, in the same snapshot; a sequence restarts within
-- its column's type; an integer too large for its column's type widens the column.
\getenv abs_builddir PG_ABS_BUILDDIR
\set app_db :abs_builddir '/results/fixtures/migrate_app.db'
\set bad_db :abs_builddir '/results/fixtures/migrate_bad.db'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pageinspect;

-- frozen (xmin committed and invalid: 0x0300) in a plain call; not when an older snapshot of the
-- same transaction exists, as in a REPEATABLE READ transaction that has already read
SELECT count(*) AS tables FROM hangar_migrate(:'app_db', 'fresh');
SELECT bool_and((t_infomask & 768) = 768) AS frozen FROM heap_page_items(get_raw_page('fresh.tags', 0));
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT count(*) > 0 AS snapshot_taken FROM pg_class;
SELECT count(*) AS tables FROM hangar_migrate(:'app_db', 'older_snapshot');
SELECT bool_or((t_infomask & 768) = 768) AS frozen FROM heap_page_items(get_raw_page('older_snapshot.tags', 0));
SELECT count(*) AS tags FROM older_snapshot.tags;
COMMIT;

-- rejected rows go through hangar.rejects' indexes and triggers
CREATE INDEX regress_rejects_run ON hangar.rejects (run_id);
CREATE TABLE regress_reject_log (table_name text, reason text);
CREATE FUNCTION regress_log_reject() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.regress_reject_log VALUES (NEW.table_name, NEW.reason);
  RETURN NEW;
END $$;
CREATE TRIGGER regress_log AFTER INSERT ON hangar.rejects FOR EACH ROW EXECUTE FUNCTION regress_log_reject();
SELECT table_name, rows_rejected FROM hangar_migrate(:'bad_db', 'rejecting', on_error => 'reject')
WHERE rows_rejected > 0 ORDER BY 1;
SET enable_seqscan = off;
SELECT count(*) AS rejects_found_by_index FROM hangar.rejects WHERE run_id = (SELECT max(run_id) FROM hangar.rejects);
RESET enable_seqscan;
SELECT table_name, count(*) AS logged FROM regress_reject_log GROUP BY 1 ORDER BY 1;
DROP TRIGGER regress_log ON hangar.rejects;
DROP FUNCTION regress_log_reject();
DROP TABLE regress_reject_log;
DROP INDEX hangar.regress_rejects_run;

-- a domain whose CHECK reads a foreign table on the file being migrated: the table is read on
-- the backend's own thread, so the query shares the connection and its snapshot safely
CREATE SERVER boundary_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'app_db');
CREATE FOREIGN TABLE boundary_tags (name text) SERVER boundary_srv OPTIONS (table_name 'tags');
CREATE FUNCTION regress_known_tag(tag text) RETURNS boolean LANGUAGE sql STABLE
  AS $$ SELECT EXISTS (SELECT 1 FROM public.boundary_tags WHERE name = tag) $$;
CREATE DOMAIN regress_tag AS varchar(30) CHECK (regress_known_tag(VALUE));
SELECT table_name, rows_copied, verified FROM hangar_migrate(:'app_db', 'checked',
  column_types => '{"post_tags.tag_name": "public.regress_tag"}') WHERE table_name = 'post_tags';
SELECT pg_typeof(tag_name), count(*) FROM checked.post_tags GROUP BY 1;
-- and a sync of it, which reads SQLite ahead on a thread only where no conversion queries
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'app_db', 'checked')
WHERE table_name IN ('post_tags', 'posts') ORDER BY 1;

-- SQLite's integers are 64-bit whatever the declared type: a value its smallint or integer
-- column cannot hold makes the column the integer type that holds it (the table is copied again;
-- twice for a smallint that needs integer, then bigint), and a key's sequence follows, so new ids
-- come after the largest; a child's foreign key is checked against the wider parent during the
-- copy
\set ids_db :abs_builddir '/results/fixtures/big_ids.db'
\setenv IDS_DB :ids_db
\! rm -f "$IDS_DB"; sqlite3 "$IDS_DB" "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3000000000, 'too big for integer'); CREATE TABLE s (a SMALLINT, b INTEGER, c INT); INSERT INTO s VALUES (1, 1, 1), (40000, 2, 3), (3000000000, 1700000000123, 4); CREATE TABLE c (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t (id)); INSERT INTO c VALUES (1, 3000000000), (2, 1)"
SELECT table_name, rows_copied, rows_rejected, verified, detail FROM hangar_migrate(:'ids_db', 'big_ids') ORDER BY 1;
SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'big_ids'
ORDER BY table_name, ordinal_position;
SELECT sequence_name, data_type FROM information_schema.sequences WHERE sequence_schema = 'big_ids' ORDER BY 1;
INSERT INTO big_ids.t (v) VALUES ('next') RETURNING id;
SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'big_ids.c'::regclass AND contype = 'f';
-- a type column_types asks for is kept: the value stops the call
SELECT * FROM hangar_migrate(:'ids_db', 'big_ids_given', column_types => '{"s.b": "integer"}');
-- in reject mode a row rejected before the column widened is recorded once; ids beyond a key
-- type column_types asks for are ids its sequence can never hand out: it restarts after the
-- largest id copied, and says so, instead of failing the call
\! sqlite3 "$IDS_DB" "CREATE TABLE r (n INT); INSERT INTO r VALUES ('not a number'), (5000000000), (7)"
SELECT table_name, rows_copied, rows_rejected, regexp_replace(detail, 'run_id \d+', 'run_id N') AS detail
FROM hangar_migrate(:'ids_db', 'big_ids_rejecting', on_error => 'reject', column_types => '{"t.id": "integer"}')
WHERE table_name IN ('r', 't') ORDER BY 1;
SELECT table_name, rowid, column_name, raw_value FROM hangar.rejects
WHERE run_id = (SELECT max(run_id) FROM hangar.rejects) ORDER BY 1, 2;
SELECT n FROM big_ids_rejecting.r ORDER BY n;
SELECT last_value, is_called FROM big_ids_rejecting.t_id_seq;

DROP SCHEMA fresh, older_snapshot, rejecting, checked, big_ids, big_ids_rejecting CASCADE;
DROP DOMAIN regress_tag;
DROP FUNCTION regress_known_tag(text);
DROP FOREIGN TABLE boundary_tags;
DROP SERVER boundary_srv;
DROP EXTENSION pageinspect;
