-- A cut is always a failure: a cancel, a statement_timeout, a full disk or running out of
-- memory during any step of a migration, optional ones included (indexes, views, checks,
-- defaults), or while a value is converted in reject mode, stops the whole migration and
-- leaves nothing behind. Only errors about a step's own SQL are reported and skipped.
-- Event triggers and a domain stand in for a slow index build, a full disk and a lost server.
\getenv abs_builddir PG_ABS_BUILDDIR
\set app_db :abs_builddir '/results/fixtures/migrate_app.db'
SET client_min_messages = warning;

CREATE FUNCTION regress_slow_ddl() RETURNS event_trigger LANGUAGE plpgsql
  AS $$ BEGIN PERFORM pg_sleep(30); END $$;
CREATE FUNCTION regress_disk_full() RETURNS event_trigger LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$;
CREATE FUNCTION regress_out_of_memory() RETURNS event_trigger LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION 'out of memory' USING ERRCODE = 'out_of_memory'; END $$;

-- statement_timeout while an index is built
CREATE EVENT TRIGGER regress_slow ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION regress_slow_ddl();
SET statement_timeout = '2s';
SELECT * FROM hangar_migrate(:'app_db', 'cut');  -- ERROR
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
DROP EVENT TRIGGER regress_slow;
SELECT count(*) AS schemas_left FROM pg_namespace WHERE nspname = 'cut';

-- a full disk while a view is created, out of memory while a CHECK is added
CREATE EVENT TRIGGER regress_full ON ddl_command_end WHEN TAG IN ('CREATE VIEW') EXECUTE FUNCTION regress_disk_full();
SELECT * FROM hangar_migrate(:'app_db', 'cut');  -- ERROR
\echo :LAST_ERROR_SQLSTATE
DROP EVENT TRIGGER regress_full;
CREATE EVENT TRIGGER regress_oom ON ddl_command_end WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION regress_out_of_memory();
SELECT * FROM hangar_migrate(:'app_db', 'cut');  -- ERROR
\echo :LAST_ERROR_SQLSTATE
DROP EVENT TRIGGER regress_oom;
SELECT count(*) AS schemas_left FROM pg_namespace WHERE nspname = 'cut';

-- in reject mode a value's own problem rejects its row, but a failure of the server does not
CREATE FUNCTION regress_check_title(value text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF value = 'Second' THEN RAISE EXCEPTION 'could not write block' USING ERRCODE = 'io_error'; END IF;
  RETURN value <> 'Third';
END $$;
CREATE DOMAIN regress_title AS text CHECK (regress_check_title(VALUE));
SELECT * FROM hangar_migrate(:'app_db', 'cut', on_error => 'reject',
                             column_types => '{"posts.title": "public.regress_title"}');  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS schemas_left FROM pg_namespace WHERE nspname = 'cut';

DROP DOMAIN regress_title;
DROP FUNCTION regress_check_title(text);
DROP FUNCTION regress_slow_ddl();
DROP FUNCTION regress_disk_full();
DROP FUNCTION regress_out_of_memory();
