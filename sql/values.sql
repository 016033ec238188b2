-- One rule for exactness: a value arrives when the shortest decimal that reads back as it is
-- the same on both sides (so FLOAT(10), a real, takes 19.99 but not 0.1000000001); a REAL read as
-- text is spelled as SQLite spells it (CAST(v AS TEXT)); a REAL read as numeric gets its shortest
-- digits; julian days are read to SQLite's millisecond; an integer becomes bits as PostgreSQL's
-- integer::bit(n) makes them, or an error; numeric(p,s) with s > p takes what PostgreSQL takes.
\getenv abs_builddir PG_ABS_BUILDDIR
\set values_db :abs_builddir '/results/fixtures/values.db'
SET datestyle = 'ISO, YMD';

CREATE SERVER values_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'values_db');
CREATE FOREIGN TABLE v (id int, price real, jd timestamp(3) OPTIONS (datetime_unit 'julianday'), mixed text,
  big numeric, flags bit(4), tiny numeric(2, 5), t text) SERVER values_srv;
SELECT id, price, jd, mixed, big FROM v ORDER BY id;
SELECT id, flags, tiny FROM v WHERE id < 3 ORDER BY id;
-- what does not arrive exactly is an error naming the value and the row
CREATE FOREIGN TABLE v_errors (id int, t real, flags bit(4), tiny numeric(2, 5)) SERVER values_srv OPTIONS (table_name 'v');
SELECT t FROM v_errors WHERE id = 3;  -- ERROR
SELECT flags FROM v_errors WHERE id = 4;  -- ERROR
SELECT tiny FROM v_errors WHERE id = 4;  -- ERROR
CREATE FOREIGN TABLE v_varbit (id int, flags varbit) SERVER values_srv OPTIONS (table_name 'v');
SELECT flags FROM v_varbit WHERE id = 1;  -- ERROR
CREATE FOREIGN TABLE v_time (id int, t time) SERVER values_srv OPTIONS (table_name 'v');
SELECT t FROM v_time WHERE id = 2;
SELECT t FROM v_time WHERE id = 4;  -- ERROR
CREATE FOREIGN TABLE codes (id int, code char(3)) SERVER values_srv;
SELECT * FROM codes WHERE id <> 2 ORDER BY id;
SELECT * FROM codes WHERE id = 2;  -- ERROR

-- the migration reads them the same way: FLOAT(10) is real, the untyped column text
SET client_min_messages = warning;
SELECT table_name, rows_copied, rows_rejected, verified, regexp_replace(detail, 'run_id [0-9]+', 'run_id N') AS detail
FROM hangar_migrate(:'values_db', 'values_migrated',
  column_types => '{"v.flags": "bit(4)", "v.t": "text", "v.tiny": "numeric(2,5)", "v.mixed": "varchar(20)"}',
  on_error => 'reject');
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'values_migrated.v'::regclass AND attname IN ('price', 'mixed') ORDER BY 1;
SELECT id, price, mixed, big, flags, tiny FROM values_migrated.v ORDER BY id;
SELECT table_name, rowid, column_name, raw_value, reason FROM hangar.rejects
WHERE run_id = (SELECT max(run_id) FROM hangar.rejects) ORDER BY table_name, rowid;

DROP SCHEMA values_migrated CASCADE;
DROP SERVER values_srv CASCADE;
