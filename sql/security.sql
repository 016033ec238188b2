-- Pointing hangar_fdw at a file needs the privileges of pg_read_server_files, as file_fdw's
-- filename does: a plain role is refused (42501), a role granted pg_read_server_files is not.
\getenv abs_builddir PG_ABS_BUILDDIR
\set app_db :abs_builddir '/results/fixtures/app.db'

CREATE ROLE regress_hangar_plain;
CREATE ROLE regress_hangar_reader;
GRANT pg_read_server_files TO regress_hangar_reader;
GRANT USAGE ON FOREIGN DATA WRAPPER hangar_fdw TO regress_hangar_plain, regress_hangar_reader;
GRANT CREATE ON SCHEMA public TO regress_hangar_reader;

SET ROLE regress_hangar_plain;
CREATE SERVER sec_plain FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'app_db');  -- ERROR
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

SET ROLE regress_hangar_reader;
CREATE SERVER sec_reader FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'app_db');
CREATE FOREIGN TABLE sec_users (id int, email text) SERVER sec_reader OPTIONS (table_name 'users');
SELECT id, email FROM sec_users ORDER BY id LIMIT 2;
RESET ROLE;

-- a plain role that comes to own a server still cannot point it at a file
ALTER SERVER sec_reader OWNER TO regress_hangar_plain;
SET ROLE regress_hangar_plain;
ALTER SERVER sec_reader OPTIONS (SET database '/etc/passwd');  -- ERROR
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

DROP FOREIGN TABLE sec_users;
DROP SERVER sec_reader;
REVOKE CREATE ON SCHEMA public FROM regress_hangar_reader;
REVOKE USAGE ON FOREIGN DATA WRAPPER hangar_fdw FROM regress_hangar_plain, regress_hangar_reader;
DROP ROLE regress_hangar_plain;
DROP ROLE regress_hangar_reader;
