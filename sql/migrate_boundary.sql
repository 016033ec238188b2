-- Where the migration meets the rest of PostgreSQL: rows are written frozen only under COPY
-- FREEZE's own conditions; hangar.rejects is written through an ordinary INSERT, so its indexes
-- and triggers see every rejected row; a conversion that queries the same SQLite file (a
-- domain's CHECK over a foreign table) works, in the same snapshot; a sequence restarts within
-- its column's type.
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

-- ids SQLite used beyond the key's type (their rows rejected) are ids the sequence can never
-- hand out: it restarts after the largest id copied, and says so, instead of failing the call
\set ids_db :abs_builddir '/results/fixtures/big_ids.db'
\setenv IDS_DB :ids_db
\! rm -f "$IDS_DB"; sqlite3 "$IDS_DB" "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3000000000, 'too big for integer')"
SELECT table_name, rows_copied, rows_rejected, regexp_replace(detail, 'run_id \d+', 'run_id N') AS detail
FROM hangar_migrate(:'ids_db', 'big_ids', on_error => 'reject');
SELECT last_value, is_called FROM big_ids.t_id_seq;

DROP SCHEMA fresh, older_snapshot, rejecting, checked, big_ids CASCADE;
DROP DOMAIN regress_tag;
DROP FUNCTION regress_known_tag(text);
DROP FOREIGN TABLE boundary_tags;
DROP SERVER boundary_srv;
DROP EXTENSION pageinspect;
