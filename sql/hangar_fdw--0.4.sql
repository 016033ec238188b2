-- hangar_fdw 0.4 install script: the foreign-data wrapper, the migration functions, and the
-- extension's own bookkeeping schema "hangar" (nothing is ever created in a migration's target).
\echo Use "CREATE EXTENSION hangar_fdw" to load this file. \quit

CREATE FUNCTION hangar_fdw_handler()
RETURNS fdw_handler
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FUNCTION hangar_fdw_validator(text[], oid)
RETURNS void
AS 'MODULE_PATHNAME'
LANGUAGE C STRICT;

CREATE FOREIGN DATA WRAPPER hangar_fdw
  HANDLER hangar_fdw_handler
  VALIDATOR hangar_fdw_validator;

CREATE SCHEMA hangar;
COMMENT ON SCHEMA hangar IS 'hangar_fdw bookkeeping: rows rejected by hangar_migrate(on_error => ''reject''), and the record of what each migration migrated';

CREATE SEQUENCE hangar.run_id_seq;
GRANT USAGE ON SEQUENCE hangar.run_id_seq TO PUBLIC;

CREATE TABLE hangar.rejects (
  run_id bigint NOT NULL,
  table_name text NOT NULL,
  rowid bigint,
  column_name text,
  raw_value text,
  reason text NOT NULL,
  sqlstate text NOT NULL
);
COMMENT ON TABLE hangar.rejects IS 'one row per value (or foreign key) that kept a SQLite row out of a migration';
SELECT pg_catalog.pg_extension_config_dump('hangar.rejects', '');

-- What hangar_migrate migrated, so hangar_export can rebuild the SQLite file the app had.
CREATE TABLE hangar.migrations (
  run_id bigint PRIMARY KEY,
  source_path text NOT NULL,
  target_schema name NOT NULL,
  migrated_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE hangar.migrations IS 'one row per hangar_migrate call that committed';
CREATE TABLE hangar.migrated_objects (
  run_id bigint NOT NULL REFERENCES hangar.migrations ON DELETE CASCADE,
  position integer NOT NULL,
  type text NOT NULL,
  name text NOT NULL,
  table_name text NOT NULL,
  sql text NOT NULL,
  PRIMARY KEY (run_id, position)
);
COMMENT ON TABLE hangar.migrated_objects IS 'the SQLite file''s schema as sqlite_schema held it (tables, indexes, views, triggers), in creation order';
CREATE TABLE hangar.migrated_tables (
  run_id bigint NOT NULL REFERENCES hangar.migrations ON DELETE CASCADE,
  sqlite_name text NOT NULL,
  target_table name NOT NULL,
  sqlite_sequence bigint,
  constraints text NOT NULL,
  PRIMARY KEY (run_id, sqlite_name)
);
COMMENT ON TABLE hangar.migrated_tables IS 'each migrated table, the table it became, its sqlite_sequence row (AUTOINCREMENT), and its constraints as the migration made them (so hangar_export sees later changes)';
CREATE TABLE hangar.migrated_columns (
  run_id bigint NOT NULL,
  sqlite_table text NOT NULL,
  position integer NOT NULL,
  sqlite_name text NOT NULL,
  target_column name NOT NULL,
  target_type text NOT NULL,
  target_not_null boolean NOT NULL,
  sample_type text,
  sample text,
  PRIMARY KEY (run_id, sqlite_table, position),
  FOREIGN KEY (run_id, sqlite_table) REFERENCES hangar.migrated_tables ON DELETE CASCADE
);
COMMENT ON TABLE hangar.migrated_columns IS 'each migrated column, its target and type; for date/time and UUID columns the newest stored value (sample), whose spelling hangar_export writes again';
SELECT pg_catalog.pg_extension_config_dump('hangar.migrations', '');
SELECT pg_catalog.pg_extension_config_dump('hangar.migrated_objects', '');
SELECT pg_catalog.pg_extension_config_dump('hangar.migrated_tables', '');
SELECT pg_catalog.pg_extension_config_dump('hangar.migrated_columns', '');

-- What hangar_migrate and hangar_sync left in each target table, for the next hangar_sync to
-- tell what SQLite and what PostgreSQL changed since: per row its key, an 8-byte hash of its
-- content and an 8-byte hash of the SQLite values it came from (never a copy of the row), in
-- chunks of at most 262144 rows. key_format 'hash': each key is a 16-byte hash of its values
-- (32 bytes a row); 'value_delta': the key is one by-value column (an integer, say), stored as
-- the varint of its difference from the row before (17 bytes a row when copied in key order).
-- kind 'rows': the table's rows as a migration or sync wrote them whole; then, in chunk order,
-- 'changed' and 'deleted' keys a sync with change capture appended.
CREATE TABLE hangar.sync_state (
  source_path text NOT NULL,
  target_schema text NOT NULL,
  table_name text NOT NULL,
  chunk integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('rows', 'changed', 'deleted')),
  row_count integer NOT NULL,
  entries bytea NOT NULL,
  key_format text NOT NULL CHECK (key_format IN ('hash', 'value_delta')),
  PRIMARY KEY (source_path, target_schema, table_name, chunk)
);
-- hashes do not compress: stored out of line without trying
ALTER TABLE hangar.sync_state ALTER COLUMN entries SET STORAGE EXTERNAL;
COMMENT ON TABLE hangar.sync_state IS 'per synced table, per row: its key (or a hash of it) and a hash of its content after the last hangar_migrate or hangar_sync';
SELECT pg_catalog.pg_extension_config_dump('hangar.sync_state', '');
-- Per SQLite file and target schema: when it was last synced, and the last entry of the file's
-- change log (hangar_capture_start) that sync applied; the next sync deletes entries up to it.
CREATE TABLE hangar.syncs (
  source_path text NOT NULL,
  target_schema text NOT NULL,
  synced_at timestamptz NOT NULL,
  capture_applied bigint,
  PRIMARY KEY (source_path, target_schema)
);
COMMENT ON TABLE hangar.syncs IS 'per SQLite file and target schema: the last hangar_sync and the change-log entries it applied';
SELECT pg_catalog.pg_extension_config_dump('hangar.syncs', '');

CREATE FUNCTION hangar_migrate(
  source text,
  target_schema name DEFAULT 'public',
  column_types jsonb DEFAULT '{}',
  on_error text DEFAULT 'stop',
  type_map jsonb DEFAULT '{}',
  identity boolean DEFAULT false,
  enums boolean DEFAULT true,
  verify boolean DEFAULT true,
  verify_view_rows bigint DEFAULT 100000,
  fts text DEFAULT 'report',
  framework text DEFAULT 'auto')
RETURNS TABLE (
  table_name text,
  target_table text,
  rows_copied bigint,
  rows_rejected bigint,
  verified boolean,
  copy_seconds double precision,
  seconds double precision,
  detail text,
  run_id bigint)
AS 'MODULE_PATHNAME'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION hangar_plan(
  source text,
  target_schema name DEFAULT 'public',
  column_types jsonb DEFAULT '{}',
  on_error text DEFAULT 'stop',
  type_map jsonb DEFAULT '{}',
  identity boolean DEFAULT false,
  enums boolean DEFAULT true,
  verify boolean DEFAULT true,
  verify_view_rows bigint DEFAULT 100000,
  fts text DEFAULT 'report',
  framework text DEFAULT 'auto')
RETURNS TABLE (step integer, phase text, table_name text, statement text)
AS 'MODULE_PATHNAME'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION hangar_verify(source text, target_schema name DEFAULT 'public')
RETURNS TABLE (
  table_name text,
  target_table text,
  source_rows bigint,
  target_rows bigint,
  verified boolean,
  detail text)
AS 'MODULE_PATHNAME'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

-- The reverse migration: the tables of source_schema into a new SQLite file that replaces target
-- once complete and verified (README.md, "Rolling back to SQLite").
CREATE FUNCTION hangar_export(
  source_schema name,
  target text,
  if_exists text DEFAULT 'error',
  verify boolean DEFAULT true)
RETURNS TABLE (
  table_name text,
  source_table text,
  rows_copied bigint,
  verified boolean,
  seconds double precision,
  detail text)
AS 'MODULE_PATHNAME'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

-- Catches target_schema up with what the app wrote to SQLite since hangar_migrate or the last
-- hangar_sync: inserts, updates and deletes by primary key, then verifies (see README, "Cutting
-- over with the app running"). on_error as hangar_migrate's.
CREATE FUNCTION hangar_sync(
  source text,
  target_schema name DEFAULT 'public',
  overwrite boolean DEFAULT false,
  on_error text DEFAULT 'stop')
RETURNS TABLE (
  table_name text,
  target_table text,
  rows_inserted bigint,
  rows_updated bigint,
  rows_deleted bigint,
  verified boolean,
  seconds double precision,
  detail text)
AS 'MODULE_PATHNAME'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;

-- Change capture in the SQLite file: a log table hangar_capture_log and AFTER INSERT, UPDATE and
-- DELETE triggers on every table with a primary key, which log only (table, key). While they
-- are there hangar_sync reads only the logged rows. hangar_capture_stop removes all of it.
CREATE FUNCTION hangar_capture_start(source text)
RETURNS TABLE (table_name text, detail text)
AS 'MODULE_PATHNAME'
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp;

CREATE FUNCTION hangar_capture_stop(source text)
RETURNS TABLE (table_name text, detail text)
AS 'MODULE_PATHNAME'
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp;

-- Moves every sequence owned by a column of a table in target_schema (serial and identity
-- columns) past the largest value in that column, so the next insert without an id succeeds.
-- target_schema is a name taken as it is spelled ('App' is the schema "App").
CREATE FUNCTION hangar_reset_sequences(target_schema name DEFAULT 'public')
RETURNS TABLE (sequence_name text, table_name text, column_name text, next_value bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  owned record;
  max_value bigint;
BEGIN
  FOR owned IN
    SELECT s.oid::regclass AS seq, c.oid::regclass AS tbl, a.attname AS col
    FROM pg_depend d
    JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
    JOIN pg_class c ON c.oid = d.refobjid
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
      AND d.deptype IN ('a', 'i')
      AND c.relnamespace = (SELECT n.oid FROM pg_namespace n WHERE n.nspname = target_schema)
    ORDER BY c.oid::regclass::text, a.attname
  LOOP
    EXECUTE format('SELECT max(%I) FROM %s', owned.col, owned.tbl) INTO max_value;
    IF max_value IS NULL OR max_value < 1 THEN
      PERFORM setval(owned.seq, 1, false);
    ELSE
      PERFORM setval(owned.seq, max_value, true);
    END IF;
    sequence_name := owned.seq::text;
    table_name := owned.tbl::text;
    column_name := owned.col;
    next_value := CASE WHEN max_value IS NULL OR max_value < 1 THEN 1 ELSE max_value + 1 END;
    RETURN NEXT;
  END LOOP;
END
$$;

-- Every function above runs with search_path = pg_catalog, pg_temp, so no object planted in a
-- schema on the caller's path can run inside a migration. Running them reads files and creates
-- objects: nobody may until granted (README.md, Security).
REVOKE EXECUTE ON FUNCTION hangar_migrate(text, name, jsonb, text, jsonb, boolean, boolean, boolean, bigint, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hangar_plan(text, name, jsonb, text, jsonb, boolean, boolean, boolean, bigint, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hangar_verify(text, name) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hangar_export(name, text, text, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hangar_reset_sequences(name) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hangar_sync(text, name, boolean, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hangar_capture_start(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hangar_capture_stop(text) FROM PUBLIC;


-- The query that checks a copy of a schema restored where hangar_fdw cannot be installed (a
-- managed PostgreSQL; README.md, "Managed PostgreSQL"): plain SQL that reads no hangar_fdw
-- object, run on both sides and compared. Per table of the schema as it is now: its name, row
-- count, and a checksum of its rows' text forms that does not depend on their order (the sum of
-- two 64-bit halves of each row's md5, so any table size works and no collation decides an
-- order). The SET lines first fix the settings a row's text depends on (dates, intervals, time
-- zone, floats, bytea). Names are quoted with format('%I'), literals with format('%L').
CREATE FUNCTION hangar_checksum_query(target_schema name DEFAULT 'public')
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  schema_oid oid;
  selects text;
BEGIN
  SELECT n.oid INTO schema_oid FROM pg_namespace n WHERE n.nspname = target_schema;
  IF schema_oid IS NULL THEN
    RAISE EXCEPTION 'schema "%" does not exist', target_schema USING ERRCODE = 'invalid_schema_name';
  END IF;
  SELECT string_agg(format(
           'SELECT %L::text AS table_name, count(*) AS row_count, '
           'md5(coalesce(sum((''x'' || substr(h.h, 1, 16))::bit(64)::bigint::numeric), 0)::text || '' '' || '
           'coalesce(sum((''x'' || substr(h.h, 17, 16))::bit(64)::bigint::numeric), 0)::text) AS checksum '
           'FROM %I.%I AS r CROSS JOIN LATERAL (SELECT md5((r.*)::text) AS h) AS h',
           c.relname, target_schema, c.relname),
         E'\nUNION ALL\n' ORDER BY c.relname COLLATE "C")
    INTO selects
    FROM pg_class c
    WHERE c.relnamespace = schema_oid AND c.relkind IN ('r', 'p');
  RETURN E'SET datestyle = ''ISO, YMD'';\nSET intervalstyle = ''postgres'';\nSET timezone = ''UTC'';\n'
      || E'SET extra_float_digits = 1;\nSET bytea_output = ''hex'';\n'
      || coalesce('SELECT * FROM (' || E'\n' || selects || E'\n) AS tables ORDER BY table_name COLLATE "C";',
                  'SELECT NULL::text AS table_name, NULL::bigint AS row_count, NULL::text AS checksum WHERE false;');
END
$$;
