-- Into a database whose encoding is not UTF8 (here LATIN1), text is transcoded; a character the
-- encoding lacks is a named error in stop mode and a rejected row in reject mode, never an
-- aborted migration or a changed character.
\getenv abs_builddir PG_ABS_BUILDDIR
\set encoding_db :abs_builddir '/results/fixtures/encoding.db'
CREATE DATABASE regress_hangar_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c regress_hangar_latin1
SET client_encoding = 'UTF8';
SET client_min_messages = warning;
CREATE EXTENSION hangar_fdw;
SELECT * FROM hangar_migrate(:'encoding_db', 'stopped');  -- ERROR
SELECT table_name, rows_copied, rows_rejected, verified FROM hangar_migrate(:'encoding_db', 'kept', on_error => 'reject');
SELECT * FROM kept.notes ORDER BY id;
SELECT rowid, column_name, raw_value, sqlstate FROM hangar.rejects ORDER BY rowid;
\c contrib_regression
DROP DATABASE regress_hangar_latin1;
