-- Schemas SQLite accepts migrate: structure comes from SQLite's own PRAGMAs (columns, keys,
-- foreign keys, rowid facts), the DDL text only adds names and expressions. Table constraints
-- without commas, AUTOINCREMENT in a table-level key, INTEGER PRIMARY KEY DESC (an ordinary
-- column that can hold NULL), triggers (reported) and virtual tables (reported; their shadow
-- tables never copied).
\getenv abs_builddir PG_ABS_BUILDDIR
\set odd_db :abs_builddir '/results/fixtures/odd_schema.db'
SET client_min_messages = warning;

SELECT table_name, rows_copied, verified, detail FROM hangar_migrate(:'odd_db', 'odd_schema')
ORDER BY table_name NULLS LAST, detail;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = 'odd_schema.children'::regclass AND contype <> 'n' ORDER BY conname;
-- AUTOINCREMENT's sqlite_sequence (2) is honoured
INSERT INTO odd_schema.children (x, y) VALUES (1, 2) RETURNING id;
-- INTEGER PRIMARY KEY DESC keeps its NULL: a plain integer key column, no sequence
SELECT k, v FROM odd_schema.desc_key ORDER BY k NULLS FIRST;
SELECT pg_get_serial_sequence('odd_schema.desc_key', 'k') AS desc_key_sequence;
SELECT count(*) AS shadow_tables FROM pg_tables WHERE schemaname = 'odd_schema' AND tablename LIKE 'docs%';

-- fts => 'tsvector': FTS3/4/5 tables become tables with their text, a tsvector column and a GIN
-- index (R*Tree stays reported)
SELECT table_name, rows_copied, verified, detail FROM hangar_migrate(:'odd_db', 'odd_fts', fts => 'tsvector')
WHERE table_name LIKE 'docs%' OR table_name = 'boxes' ORDER BY table_name, detail;
\d odd_fts.docs5
SELECT rowid, title FROM odd_fts.docs5 WHERE tsv @@ to_tsquery('simple', 'number & 42');
SELECT rowid, title, body FROM odd_fts.docs ORDER BY rowid;
SELECT * FROM hangar_migrate(:'odd_db', 'odd_fts2', fts => 'sqlite');  -- ERROR
DROP SCHEMA odd_fts CASCADE;

-- IMPORT FOREIGN SCHEMA reads the same facts: k may be NULL, and the scan returns it
CREATE SERVER odd_schema_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'odd_db');
CREATE SCHEMA odd_schema_fdw;
SET client_min_messages = notice;
IMPORT FOREIGN SCHEMA main FROM SERVER odd_schema_srv INTO odd_schema_fdw;
SET client_min_messages = warning;
SELECT attname, attnotnull FROM pg_attribute WHERE attrelid = 'odd_schema_fdw.desc_key'::regclass AND attnum > 0;
SELECT k, v FROM odd_schema_fdw.desc_key ORDER BY k NULLS FIRST;

DROP SCHEMA odd_schema, odd_schema_fdw CASCADE;
DROP SERVER odd_schema_srv;
