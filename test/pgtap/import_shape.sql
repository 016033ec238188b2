-- pgTAP: the catalog shape IMPORT FOREIGN SCHEMA gives the fixture databases: which foreign
-- tables exist (and which internals do not), every column type of the type-mapping table, NOT NULL.
\set ON_ERROR_STOP 1
\getenv fixtures HANGAR_FIXTURES
\set app_db :fixtures '/app.db'
\set types_db :fixtures '/types.db'
SET client_min_messages = warning;
BEGIN;
SELECT plan(41);

CREATE SERVER tap_app FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'app_db');
CREATE SERVER tap_types FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'types_db');
CREATE SCHEMA tap_app;
CREATE SCHEMA tap_types;
IMPORT FOREIGN SCHEMA main FROM SERVER tap_app INTO tap_app;
IMPORT FOREIGN SCHEMA main FROM SERVER tap_types INTO tap_types;

SELECT foreign_tables_are('tap_app', ARRAY['users', 'items', 'Odd Name', 'untyped', 'unknown_types', 'kv', 'gen',
  'a_table_whose_name_is_much_longer_than_the_sixty_three_036643c7', 'admins'],
  'every table and view is imported, no sqlite_* internals, the unreadable virtual table skipped');
SELECT hasnt_foreign_table('tap_app', 'sqlite_sequence', 'sqlite_sequence is internal');
SELECT has_foreign_table('tap_app', 'Odd Name', 'a name with a space and capitals round-trips');
SELECT has_column('tap_app', 'Odd Name', 'with "quote"', 'a column name with quotes round-trips');
SELECT has_column('tap_app', 'Odd Name', 'select', 'a reserved word as a column name round-trips');

SELECT col_type_is('tap_types', 'typed', 'id', 'integer', 'INTEGER PRIMARY KEY -> integer');
SELECT col_not_null('tap_types', 'typed', 'id', 'INTEGER PRIMARY KEY is never NULL');
SELECT col_type_is('tap_types', 'typed', 'i', 'integer', 'INTEGER -> integer');
SELECT col_type_is('tap_types', 'typed', 'bi', 'bigint', 'BIGINT -> bigint');
SELECT col_type_is('tap_types', 'typed', 'si', 'smallint', 'SMALLINT -> smallint');
SELECT col_type_is('tap_types', 'typed', 'vc', 'character varying(10)', 'VARCHAR(10) -> varchar(10)');
SELECT col_type_is('tap_types', 'typed', 'ch', 'character(4)', 'CHAR(4) -> char(4)');
SELECT col_type_is('tap_types', 'typed', 'tx', 'text', 'TEXT -> text');
SELECT col_type_is('tap_types', 'typed', 'cl', 'text', 'CLOB -> text');
SELECT col_type_is('tap_types', 'typed', 'b', 'boolean', 'BOOLEAN -> boolean');
SELECT col_type_is('tap_types', 'typed', 'bo', 'boolean', 'BOOL -> boolean');
SELECT col_type_is('tap_types', 'typed', 'dt', 'timestamp without time zone', 'DATETIME -> timestamp');
SELECT col_type_is('tap_types', 'typed', 'ts', 'timestamp without time zone', 'TIMESTAMP -> timestamp');
SELECT col_type_is('tap_types', 'typed', 'd', 'date', 'DATE -> date');
SELECT col_type_is('tap_types', 'typed', 't', 'time without time zone', 'TIME -> time');
SELECT col_type_is('tap_types', 'typed', 'n', 'numeric(12,2)', 'NUMERIC(12, 2) -> numeric(12,2)');
SELECT col_type_is('tap_types', 'typed', 'dc', 'numeric(5,0)', 'DECIMAL(5, 0) -> numeric(5,0)');
SELECT col_type_is('tap_types', 'typed', 'nu', 'numeric', 'NUMERIC -> numeric');
SELECT col_type_is('tap_types', 'typed', 'r', 'double precision', 'REAL -> double precision');
SELECT col_type_is('tap_types', 'typed', 'f', 'double precision', 'FLOAT -> double precision');
SELECT col_type_is('tap_types', 'typed', 'db', 'double precision', 'DOUBLE -> double precision');
SELECT col_type_is('tap_types', 'typed', 'j', 'json', 'JSON -> json');
SELECT col_type_is('tap_types', 'typed', 'bl', 'bytea', 'BLOB -> bytea');
SELECT col_type_is('tap_types', 'typed', 'u', 'uuid', 'UUID -> uuid');
SELECT col_type_is('tap_types', 'zoned', 'at', 'timestamp with time zone', 'TIMESTAMP WITH TIME ZONE -> timestamptz');

SELECT col_type_is('tap_app', 'untyped', 'a', 'bigint', 'no declared type, integers stored -> bigint');
SELECT col_type_is('tap_app', 'untyped', 'b', 'numeric', 'no declared type, integers and reals -> numeric');
SELECT col_type_is('tap_app', 'untyped', 'c', 'text', 'no declared type, text stored -> text');
SELECT col_type_is('tap_app', 'untyped', 'd', 'bytea', 'no declared type, blobs stored -> bytea');
SELECT col_type_is('tap_app', 'unknown_types', 'x', 'numeric', 'unknown type -> NUMERIC affinity -> numeric');
SELECT col_type_is('tap_app', 'unknown_types', 'y', 'text', 'unknown type with CHAR -> TEXT affinity -> text');
SELECT col_type_is('tap_app', 'unknown_types', 'z', 'double precision', 'unknown type with FLOA -> REAL affinity');
SELECT col_type_is('tap_app', 'unknown_types', 'w', 'bytea', 'unknown type with BLOB -> BLOB affinity -> bytea');

SELECT col_not_null('tap_app', 'users', 'email', 'NOT NULL is imported');
SELECT col_is_null('tap_app', 'users', 'name', 'nullable stays nullable');
SELECT col_not_null('tap_app', 'kv', 'k', 'a WITHOUT ROWID key is never NULL');

SELECT * FROM finish();
ROLLBACK;
