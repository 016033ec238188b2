-- A superuser migrating a file into a database an app role shares: nothing that role planted
-- runs inside the migration (every statement runs with search_path = pg_catalog, pg_temp),
-- migrated views read only the file's own tables and views, schema-qualified, and the
-- migration functions run only for roles granted EXECUTE.
\getenv abs_builddir PG_ABS_BUILDDIR
\set app_db :abs_builddir '/results/fixtures/migrate_app.db'
\set hostile_db :abs_builddir '/results/fixtures/hostile_views.db'
SET client_min_messages = warning;

-- the app role owns a schema on the superuser's search_path and the schema migrated into, and
-- plants look-alikes of what generated SQL calls; each fails loudly if it ever runs
CREATE ROLE regress_hangar_app;
CREATE SCHEMA planted AUTHORIZATION regress_hangar_app;
CREATE SCHEMA app_target AUTHORIZATION regress_hangar_app;
SET ROLE regress_hangar_app;
CREATE FUNCTION planted.setval(text, integer, boolean) RETURNS bigint LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION 'planted setval() ran as %', current_user; END $$;
CREATE FUNCTION planted.lower(character varying) RETURNS text LANGUAGE plpgsql IMMUTABLE
  AS $$ BEGIN RAISE EXCEPTION 'planted lower() ran as %', current_user; END $$;
CREATE FUNCTION planted.btrim(character varying) RETURNS text LANGUAGE plpgsql IMMUTABLE
  AS $$ BEGIN RAISE EXCEPTION 'planted btrim() ran as %', current_user; END $$;
CREATE FUNCTION app_target.int4_eq(integer, integer) RETURNS boolean LANGUAGE plpgsql
  AS $$ BEGIN RAISE EXCEPTION 'planted = ran as %', current_user; END $$;
CREATE OPERATOR app_target.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = app_target.int4_eq);
RESET ROLE;

SET search_path = planted, app_target, public;
SELECT table_name, verified, detail FROM hangar_migrate(:'app_db', 'app_target') ORDER BY 1;
SHOW search_path;
-- the indexes, checks and views use PostgreSQL's own functions and operators
SELECT pg_get_indexdef('app_target.ix_accounts_lower_email'::regclass);
SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'app_target.posts'::regclass AND contype = 'c';
SELECT pg_get_viewdef('app_target.published_posts'::regclass);
SELECT * FROM app_target.published_posts ORDER BY id;
SELECT * FROM hangar_reset_sequences('app_target');
RESET search_path;

-- a view may read only what the file migrated: not pg_catalog.pg_authid through a virtual table
-- of that name, nor a table SQLite does not have
CREATE TEMP TABLE hostile_report AS
SELECT table_name, target_table, rows_copied, detail FROM hangar_migrate(:'hostile_db', 'hostile');
SELECT * FROM hostile_report WHERE table_name IS DISTINCT FROM 'leak' AND coalesce(detail, '') NOT LIKE 'skipped "leak"%'
ORDER BY table_name NULLS LAST, detail;
-- "leak" reads the fts5 table pg_authid: SQLite 3.40 refuses to read the view with trusted_schema
-- off (unsafe use of a virtual table), 3.46 and 3.53 read it and then it does not translate;
-- either way it is never created
SELECT to_regclass('hostile.leak') IS NULL AS not_created,
       detail ~ '^(skipped: unsafe use of virtual table|view not created: the relation) "pg_authid"' AS reason
FROM hostile_report WHERE table_name = 'leak';
-- PostgreSQL 16 and later leave out the column qualifiers of a one-table view: removed here too
SELECT viewname, regexp_replace(definition, '\m(?!hostile\.)\w+\.', '', 'g') AS definition
FROM pg_views WHERE schemaname = 'hostile' ORDER BY 1;
SELECT * FROM hostile.roles;

-- the functions are not PUBLIC: a role needs EXECUTE (and file or server privileges)
CREATE ROLE regress_hangar_nobody;
SET ROLE regress_hangar_nobody;
SELECT * FROM hangar_plan(:'app_db');  -- ERROR
SELECT * FROM hangar_verify(:'app_db', 'app_target');  -- ERROR
SELECT * FROM hangar_reset_sequences('app_target');  -- ERROR
RESET ROLE;
SELECT p.proname, has_function_privilege('regress_hangar_nobody', p.oid, 'EXECUTE') AS nobody_may,
       p.proconfig
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'hangar_fdw'
WHERE p.proname LIKE 'hangar\_%' ORDER BY 1;

DROP SCHEMA hostile CASCADE;
DROP SCHEMA app_target CASCADE;
DROP SCHEMA planted CASCADE;
DROP ROLE regress_hangar_app;
DROP ROLE regress_hangar_nobody;
