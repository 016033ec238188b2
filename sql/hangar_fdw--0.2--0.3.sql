-- hangar_fdw 0.2 -> 0.3 (ALTER EXTENSION hangar_fdw UPDATE): hangar_sync's state becomes
-- compact (32 bytes a row in chunks), hangar_sync gains on_error, and change capture arrives
-- (hangar_capture_start, hangar_capture_stop). The same definitions are in hangar_fdw--0.3.sql;
-- the update test checks that both give the same objects. The old per-row state is dropped: the
-- next hangar_sync of each schema takes PostgreSQL's rows as they are as its starting point
-- (README, "Cutting over with the app running").
\echo Use "ALTER EXTENSION hangar_fdw UPDATE TO '0.3'" to load this file. \quit

ALTER EXTENSION hangar_fdw DROP TABLE hangar.sync_state;
DROP TABLE hangar.sync_state;
-- What hangar_migrate and hangar_sync left in each target table with a primary key, for the next
-- hangar_sync to tell what SQLite and what PostgreSQL changed since: per row a 16-byte hash of
-- its key, an 8-byte hash of its content and an 8-byte hash of the SQLite values it came from
-- (never a copy of the row), packed 32 bytes a row into chunks of at most 262144 rows. kind 'rows': the table's rows as a migration or sync
-- wrote them whole; then, in chunk order, 'changed' and 'deleted' keys a sync with change
-- capture appended.
CREATE TABLE hangar.sync_state (
  source_path text NOT NULL,
  target_schema text NOT NULL,
  table_name text NOT NULL,
  chunk integer NOT NULL,
  kind text NOT NULL CHECK (kind IN ('rows', 'changed', 'deleted')),
  row_count integer NOT NULL,
  entries bytea NOT NULL,
  PRIMARY KEY (source_path, target_schema, table_name, chunk)
);
-- hashes do not compress: stored out of line without trying
ALTER TABLE hangar.sync_state ALTER COLUMN entries SET STORAGE EXTERNAL;
COMMENT ON TABLE hangar.sync_state IS 'per synced table, per row: a hash of its key and of its content after the last hangar_migrate or hangar_sync';
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

ALTER EXTENSION hangar_fdw DROP FUNCTION hangar_sync(text, name, boolean);
DROP FUNCTION hangar_sync(text, name, boolean);

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

REVOKE EXECUTE ON FUNCTION hangar_sync(text, name, boolean, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hangar_capture_start(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION hangar_capture_stop(text) FROM PUBLIC;
