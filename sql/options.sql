-- Option validation (unknown, repeated, malformed and missing options, with PostgreSQL's usual
-- messages), options in use (table_name, column_name), and the connection being reopened after
-- ALTER SERVER.
\getenv abs_builddir PG_ABS_BUILDDIR
\set fixtures :abs_builddir '/results/fixtures'
\set app_db :fixtures '/app.db'
\set types_db :fixtures '/types.db'
SET regress.fixtures = :'fixtures';

CREATE SERVER opt_srv FOREIGN DATA WRAPPER hangar_fdw
  OPTIONS (database :'app_db', busy_timeout_ms '1000', timezone 'UTC');

-- the database option is required, absolute, and given once
CREATE SERVER bad_srv FOREIGN DATA WRAPPER hangar_fdw;  -- ERROR
CREATE SERVER bad_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database 'relative/app.db');  -- ERROR
CREATE SERVER bad_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database '/a.db', database '/b.db');  -- ERROR
ALTER SERVER opt_srv OPTIONS (DROP database);  -- ERROR
ALTER SERVER opt_srv OPTIONS (ADD database '/other.db');  -- ERROR

-- unknown options: the hint lists the valid ones for that object
CREATE SERVER bad_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (databse '/a.db');  -- ERROR
CREATE FOREIGN TABLE bad_t (id int) SERVER opt_srv OPTIONS (table 'users');  -- ERROR
CREATE FOREIGN TABLE bad_t (id int OPTIONS (name 'id')) SERVER opt_srv;  -- ERROR
CREATE USER MAPPING FOR CURRENT_USER SERVER opt_srv OPTIONS (user 'me');  -- ERROR
ALTER FOREIGN DATA WRAPPER hangar_fdw OPTIONS (debug 'on');  -- ERROR

-- malformed values
CREATE SERVER bad_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database '/a.db', busy_timeout_ms 'soon');  -- ERROR
CREATE SERVER bad_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database '/a.db', busy_timeout_ms '-1');  -- ERROR
CREATE SERVER bad_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database '/a.db', timezone 'Mars/Olympus');  -- ERROR
CREATE FOREIGN TABLE bad_t (at timestamp OPTIONS (datetime_unit 'fortnights')) SERVER opt_srv;  -- ERROR
CREATE FOREIGN TABLE bad_t (id int) SERVER opt_srv OPTIONS (table_name '');  -- ERROR
-- nothing above was created
SELECT count(*) FROM pg_foreign_server WHERE srvname = 'bad_srv';
SELECT count(*) FROM pg_class WHERE relname = 'bad_t';

-- table_name and column_name map PostgreSQL names to SQLite names
CREATE FOREIGN TABLE opt_users (
  user_id integer OPTIONS (column_name 'id'),
  mail varchar(120) OPTIONS (column_name 'email')
) SERVER opt_srv OPTIONS (table_name 'users');
SELECT * FROM opt_users ORDER BY user_id;
-- SQLite matches names case-insensitively, and so do we
CREATE FOREIGN TABLE opt_case ("ID" int, "EMAIL" text) SERVER opt_srv OPTIONS (table_name 'USERS');
SELECT * FROM opt_case ORDER BY 1;
-- a column or table SQLite does not have
CREATE FOREIGN TABLE opt_typo (id int, nme text) SERVER opt_srv OPTIONS (table_name 'users');
SELECT id FROM opt_typo ORDER BY id;
SELECT nme FROM opt_typo;  -- ERROR
CREATE FOREIGN TABLE opt_none (id int) SERVER opt_srv OPTIONS (table_name 'nope');
SELECT regress_error('SELECT * FROM opt_none');

-- A file replaced on disk (a new file moved onto the path) is seen from the next transaction:
-- the cached connection, which has the old file open, is reopened. ALTER SERVER reopens it too.
\! cp "$PG_ABS_BUILDDIR/results/fixtures/app.db" "$PG_ABS_BUILDDIR/results/fixtures/swap.db"
\set swap_db :fixtures '/swap.db'
CREATE SERVER swap_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'swap_db');
CREATE FOREIGN TABLE swap_users (id int) SERVER swap_srv OPTIONS (table_name 'users');
CREATE FOREIGN TABLE swap_typed (id int) SERVER swap_srv OPTIONS (table_name 'typed');
SELECT count(*) FROM swap_users;
\! cp "$PG_ABS_BUILDDIR/results/fixtures/types.db" "$PG_ABS_BUILDDIR/results/fixtures/swap.new" && mv "$PG_ABS_BUILDDIR/results/fixtures/swap.new" "$PG_ABS_BUILDDIR/results/fixtures/swap.db"
SELECT regress_error('SELECT count(*) FROM swap_users');
SELECT count(*) FROM swap_typed;
ALTER SERVER swap_srv OPTIONS (ADD busy_timeout_ms '2000');
SELECT count(*) FROM swap_typed;
-- pointing the server at another file takes effect at once
ALTER SERVER swap_srv OPTIONS (SET database :'app_db');
SELECT count(*) FROM swap_users;
