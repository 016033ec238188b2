-- The update path and hangar_checksum_query (0.2). In a database of its own: hangar_fdw 0.1,
-- then ALTER EXTENSION ... UPDATE (0.1 -> 0.2 -> 0.3 -> 0.4), must hold the same objects,
-- definitions and privileges as a fresh 0.4 install (0.2 with a hangar.sync_state row, which the
-- update drops with its table; 0.3 with a state chunk, which the update deletes, and a sync that
-- applied a change log, which it forgets so the next sync reads every row); the query hangar_checksum_query prints runs with the
-- extension dropped and gives the same answer, and a one-value change shows in it.
\getenv abs_builddir PG_ABS_BUILDDIR
\set app_db :abs_builddir '/results/fixtures/migrate_app.db'
\set out_dir :abs_builddir '/results'
SET client_min_messages = warning;
SELECT current_database() AS regress_db \gset
CREATE DATABASE regress_hangar_update;
\c regress_hangar_update
SET client_min_messages = warning;
-- Everything the extension owns, one line each: the member (pg_describe_object of its pg_depend
-- entry), a function's full definition and privileges, a relation's columns and privileges, and
-- whether it is a configuration table whose rows pg_dump keeps.
CREATE FUNCTION regress_extension_state() RETURNS TABLE (member text, definition text)
LANGUAGE sql AS $$
  SELECT pg_describe_object(d.classid, d.objid, d.objsubid),
         CASE d.classid
           WHEN 'pg_proc'::regclass THEN
             md5(pg_get_functiondef(d.objid)) || ' ' || coalesce((SELECT proacl::text FROM pg_proc WHERE oid = d.objid), 'default')
           WHEN 'pg_class'::regclass THEN
             (SELECT coalesce(c.relacl::text, 'default') || ' ' || c.relkind::text
                     || coalesce(' config ' || (c.oid = ANY (e.extconfig))::text, '')
                     || ' ' || coalesce((SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                                                           || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                                                           ', ' ORDER BY a.attnum)
                                         FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0
                                           AND NOT a.attisdropped), '')
              FROM pg_class c WHERE c.oid = d.objid)
           ELSE ''
         END
  FROM pg_depend d JOIN pg_extension e ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
  WHERE e.extname = 'hangar_fdw' AND d.deptype = 'e'
    -- the row types of its tables (and their arrays), members themselves from PostgreSQL 17 on
    AND NOT (d.classid = 'pg_type'::regclass
             AND EXISTS (SELECT FROM pg_type t LEFT JOIN pg_type el ON el.oid = t.typelem
                         WHERE t.oid = d.objid AND (t.typrelid <> 0 OR el.typrelid <> 0)))
  ORDER BY pg_describe_object(d.classid, d.objid, d.objsubid) COLLATE "C"
$$;

CREATE EXTENSION hangar_fdw VERSION '0.1';
SELECT extversion FROM pg_extension WHERE extname = 'hangar_fdw';
SELECT to_regprocedure('hangar_checksum_query(name)') IS NULL AS no_checksum_query_in_0_1;
ALTER EXTENSION hangar_fdw UPDATE TO '0.2';
SELECT extversion FROM pg_extension WHERE extname = 'hangar_fdw';
INSERT INTO hangar.sync_state VALUES ('/app.db', 'public', 't', '1', md5('1')::uuid);
ALTER EXTENSION hangar_fdw UPDATE TO '0.3';
SELECT extversion FROM pg_extension WHERE extname = 'hangar_fdw';
SELECT count(*) AS state_rows_after_update FROM hangar.sync_state;
-- this library with 0.3's objects (installed, ALTER EXTENSION not run yet): a migration or sync
-- stops before it reads or writes anything, saying what to run
SELECT count(*) FROM hangar_migrate(:'app_db', 'app_03');
SELECT count(*) FROM hangar_sync(:'app_db', 'app_03');
SELECT to_regnamespace('app_03') IS NULL AS no_schema_made;
INSERT INTO hangar.sync_state VALUES ('/app.db', 'public', 't', 0, 'rows', 1, decode(repeat('ab', 32), 'hex'));
INSERT INTO hangar.syncs VALUES ('/app.db', 'public', now(), 7);
ALTER EXTENSION hangar_fdw UPDATE TO '0.4';
SELECT extversion FROM pg_extension WHERE extname = 'hangar_fdw';
SELECT count(*) AS state_rows_after_update FROM hangar.sync_state;
SELECT source_path, capture_applied FROM hangar.syncs;
SELECT md5(string_agg(member || ': ' || definition, E'\n')) AS updated_state FROM regress_extension_state() \gset
SELECT count(*) AS members FROM regress_extension_state();

DROP EXTENSION hangar_fdw;
CREATE EXTENSION hangar_fdw;
SELECT extversion FROM pg_extension WHERE extname = 'hangar_fdw';
SELECT member FROM regress_extension_state();
SELECT md5(string_agg(member || ': ' || definition, E'\n')) = :'updated_state' AS updated_equals_fresh
FROM regress_extension_state();
-- No update path leads anywhere else.
SELECT source, target, path FROM pg_extension_update_paths('hangar_fdw') WHERE path IS NOT NULL ORDER BY 1, 2;

-- hangar_checksum_query: a migrated app, and a hand-made schema whose names need quoting (a table
-- named like the query's own aliases, a column named like them, a table without a key, an empty
-- table, values whose text depends on settings).
SELECT count(*) AS tables FROM hangar_migrate(:'app_db', 'app') WHERE rows_copied IS NOT NULL;
CREATE SCHEMA "Odd ""schema""";
CREATE TABLE "Odd ""schema""".r (r integer PRIMARY KEY, h text, "Mixed Case" timestamptz, i interval, f float8, b bytea);
INSERT INTO "Odd ""schema""".r VALUES
  (1, 'one', '2024-02-29 23:30:00+00', '1 day 02:03:04', 0.1, '\x00ff'),
  (2, NULL, NULL, NULL, NULL, NULL),
  (3, '', '1999-12-31 12:00:00-08', '-3 mons', 1e300, '');
CREATE TABLE "Odd ""schema""".h (x text);
INSERT INTO "Odd ""schema""".h VALUES ('same'), ('same'), (NULL);
CREATE TABLE "Odd ""schema""".empty (x integer);
SELECT hangar_checksum_query('Odd "schema"');
SELECT hangar_checksum_query('no such schema');  -- ERROR
SELECT hangar_checksum_query('public');

-- The query's answer is the same under other settings and without hangar_fdw installed.
SET datestyle = 'SQL, DMY';
SET timezone = 'America/Los_Angeles';
SET extra_float_digits = 3;
SET bytea_output = 'escape';
SELECT hangar_checksum_query('app') AS app_query, hangar_checksum_query('Odd "schema"') AS odd_query \gset
\o :out_dir/update_before.txt
:app_query
:odd_query
\o
\o :out_dir/update_dropped.txt
DROP EXTENSION hangar_fdw;
RESET ALL;
SET timezone = 'Asia/Kolkata';
:app_query
:odd_query
\o
\! cmp "$PG_ABS_BUILDDIR/results/update_before.txt" "$PG_ABS_BUILDDIR/results/update_dropped.txt" && echo same answer
SELECT extname FROM pg_extension WHERE extname = 'hangar_fdw';
:odd_query
-- One changed value, one row more: the tables they touch change, the others do not.
UPDATE app.accounts SET display_name = display_name || ' ' WHERE id = (SELECT min(id) FROM app.accounts);
INSERT INTO "Odd ""schema""".h VALUES ('same');
\o :out_dir/update_changed.txt
:app_query
:odd_query
\o
\! diff "$PG_ABS_BUILDDIR/results/update_before.txt" "$PG_ABS_BUILDDIR/results/update_changed.txt" | grep -c '^>'
\! diff "$PG_ABS_BUILDDIR/results/update_before.txt" "$PG_ABS_BUILDDIR/results/update_changed.txt" | grep '^>' | sed 's/ *|.*//'

\c :regress_db
DROP DATABASE regress_hangar_update;
