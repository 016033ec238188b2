-- The options of hangar_migrate: column_types (per column), type_map (per type), identity columns,
-- enums kept as varchar + CHECK, a server name as the source; and clear errors for bad input,
-- an existing target, a missing file and a role without pg_read_server_files.
\getenv abs_builddir PG_ABS_BUILDDIR
\set fixtures :abs_builddir '/results/fixtures'
\set app_db :fixtures '/migrate_app.db'
SET regress.fixtures = :'fixtures';
SET client_min_messages = warning;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

-- column_types and type_map
SELECT table_name, rows_copied, verified, detail FROM hangar_migrate(:'app_db', 'typed',
  column_types => '{"accounts.created_at": "timestamptz", "accounts.karma": "numeric(20,0)", "POSTS.Title": "text"}',
  type_map => '{"json": "jsonb", "varchar": "text"}')
WHERE table_name IN ('accounts', 'posts');
SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = 'typed' AND table_name IN ('accounts', 'posts') ORDER BY table_name, ordinal_position;
SELECT created_at, karma, profile FROM typed.accounts ORDER BY id;

-- identity columns instead of serial, and enums kept as varchar with their CHECK
SELECT count(*) AS tables FROM hangar_migrate(:'app_db', 'ident', identity => true, enums => false);
SELECT column_name, data_type, is_identity, identity_generation, column_default
FROM information_schema.columns WHERE table_schema = 'ident' AND table_name = 'accounts' AND column_name IN ('id', 'status');
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ident.accounts'::regclass AND contype = 'c';
INSERT INTO ident.posts (author_id, title) VALUES (1, 'after') RETURNING id;

-- a hangar_fdw server works as the source too
CREATE SERVER migrate_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'app_db');
SELECT count(*) AS tables, bool_and(verified) AS all_verified FROM hangar_migrate('migrate_srv', 'from_server') WHERE rows_copied IS NOT NULL;

-- bad input
SELECT * FROM hangar_migrate(:'app_db', 'bad1', column_types => '{"accounts.nope": "text"}');  -- ERROR
SELECT * FROM hangar_migrate(:'app_db', 'bad1', column_types => '{"accounts": "text"}');  -- ERROR
SELECT * FROM hangar_migrate(:'app_db', 'bad1', column_types => '{"accounts.email": "no_such_type"}');  -- ERROR
SELECT * FROM hangar_migrate(:'app_db', 'bad1', column_types => '{"accounts.email": 5}');  -- ERROR
SELECT * FROM hangar_migrate(:'app_db', 'bad1', column_types => '[1]');  -- ERROR
SELECT * FROM hangar_migrate(:'app_db', 'bad1', type_map => '{"money": "numeric"}');  -- ERROR
SELECT * FROM hangar_migrate(:'app_db', 'bad1', on_error => 'ignore');  -- ERROR
SELECT * FROM hangar_migrate(NULL);  -- ERROR
SELECT * FROM hangar_migrate('relative/path.db');  -- ERROR
SELECT * FROM hangar_migrate('no_such_server');  -- ERROR
SELECT * FROM hangar_migrate(:'app_db', 'hangar');  -- ERROR
SELECT * FROM hangar_migrate(:'app_db', 'typed');  -- ERROR
SELECT regress_error(format('SELECT * FROM hangar_migrate(%L)', :'fixtures' || '/missing.db'));
-- nothing was left behind by any of them
SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bad%' OR nspname = 'hangar_test';

-- nobody runs a migration until granted EXECUTE; then a file path needs pg_read_server_files
-- and a server needs USAGE on it
CREATE ROLE regress_hangar_migrator;
GRANT CREATE ON DATABASE contrib_regression TO regress_hangar_migrator;
SET ROLE regress_hangar_migrator;
SELECT * FROM hangar_migrate('migrate_srv', 'mine');  -- ERROR
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
GRANT EXECUTE ON FUNCTION hangar_migrate TO regress_hangar_migrator;
SET ROLE regress_hangar_migrator;
SELECT * FROM hangar_migrate(:'app_db', 'mine');  -- ERROR
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM hangar_migrate('migrate_srv', 'mine');  -- ERROR
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
GRANT USAGE ON FOREIGN SERVER migrate_srv TO regress_hangar_migrator;
SET ROLE regress_hangar_migrator;
SELECT count(*) AS tables FROM hangar_migrate('migrate_srv', 'mine') WHERE verified;
RESET ROLE;
DROP SCHEMA mine CASCADE;
REVOKE ALL ON FOREIGN SERVER migrate_srv FROM regress_hangar_migrator;
REVOKE EXECUTE ON FUNCTION hangar_migrate FROM regress_hangar_migrator;
REVOKE CREATE ON DATABASE contrib_regression FROM regress_hangar_migrator;
DROP ROLE regress_hangar_migrator;

-- Index builds run with the session's maintenance settings where it has its own, and where it has
-- PostgreSQL's built-in ones with maintenance_work_mem raised to 1/16 of the machine's memory
-- (from 64MB to at most 256MB) and parallel workers capped at one less than its CPUs; the
-- session's settings are back after the call. An event trigger records them at each CREATE INDEX
-- (the call runs with a search_path of its own: the trigger names its table's schema).
\set ram_kb `awk '/^MemTotal:/ {print $2}' /proc/meminfo`
\set cpus `nproc`
CREATE TABLE seen_settings (memory text, workers text);
CREATE FUNCTION record_settings() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.seen_settings VALUES (current_setting('maintenance_work_mem'), current_setting('max_parallel_maintenance_workers'));
END $$;
CREATE EVENT TRIGGER record_settings ON ddl_command_end WHEN TAG IN ('CREATE INDEX') EXECUTE FUNCTION record_settings();
SELECT count(*) AS tables FROM hangar_migrate(:'app_db', 'built_in_settings') WHERE verified;
SELECT count(*) > 0 AS indexes_built,
       bool_and(pg_size_bytes(memory) / 1024 = least(greatest(:ram_kb / 16, 65536), 262144)) AS memory_raised,
       bool_and(workers::integer = least(2, greatest(:cpus - 1, 0))) AS workers_capped
FROM seen_settings;
SHOW maintenance_work_mem;
SHOW max_parallel_maintenance_workers;
TRUNCATE seen_settings;
SET maintenance_work_mem = '40MB';
SET max_parallel_maintenance_workers = 3;
SELECT count(*) AS tables FROM hangar_migrate(:'app_db', 'own_settings') WHERE verified;
SELECT count(*) > 0 AS indexes_built, array_agg(DISTINCT memory) AS memory, array_agg(DISTINCT workers) AS workers
FROM seen_settings;
SHOW maintenance_work_mem;
SHOW max_parallel_maintenance_workers;
RESET maintenance_work_mem;
RESET max_parallel_maintenance_workers;
DROP EVENT TRIGGER record_settings;
DROP FUNCTION record_settings();
DROP TABLE seen_settings;
DROP SCHEMA built_in_settings, own_settings CASCADE;
