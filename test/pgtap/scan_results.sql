-- pgTAP: query results over the fixture data, compared row for row (results_eq), and the
-- SQLSTATEs of conversion errors (throws_ok).
\set ON_ERROR_STOP 1
\getenv fixtures HANGAR_FIXTURES
\set app_db :fixtures '/app.db'
\set types_db :fixtures '/types.db'
\set bad_db :fixtures '/bad.db'
SET client_min_messages = warning;
BEGIN;
SELECT plan(14);

CREATE SERVER tap_app FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'app_db');
CREATE SERVER tap_types FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'types_db');
CREATE SERVER tap_bad FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'bad_db');
CREATE SCHEMA tap_app;
CREATE SCHEMA tap_types;
CREATE SCHEMA tap_bad;
IMPORT FOREIGN SCHEMA main FROM SERVER tap_app INTO tap_app;
IMPORT FOREIGN SCHEMA main FROM SERVER tap_types INTO tap_types;
IMPORT FOREIGN SCHEMA main FROM SERVER tap_bad INTO tap_bad;
SET timezone = 'UTC';

SELECT results_eq(
  'SELECT id, email, name, is_admin, balance FROM tap_app.users ORDER BY id',
  $$VALUES (1, 'ada@example.com'::varchar, 'Ada', true, 10.50::numeric),
           (2, 'bob@example.com', 'Bob', false, 0.00),
           (3, 'cy@example.com', NULL, false, -3.75),
           (11, 'dee@example.com', 'Dee', true, 12345.67)$$,
  'users arrive as stored');
SELECT results_eq(
  'SELECT id, owner_id, title, price FROM tap_app.items ORDER BY id',
  $$VALUES (1, 1, 'hangar'::varchar, 99.99::numeric), (2, 1, 'wing', 5.00), (3, 2, 'bolt', 0.10)$$,
  'items arrive as stored');
SELECT results_eq(
  'SELECT id FROM tap_app.users WHERE id > 2 ORDER BY id',
  $$VALUES (3), (11)$$,
  'a shipped rowid condition returns the same rows');
SELECT results_eq(
  'SELECT i, bi, si FROM tap_types.typed WHERE id IN (2, 3) ORDER BY id',
  $$VALUES (2147483647, 9223372036854775807::bigint, 32767::smallint),
           (-2147483648, '-9223372036854775808'::bigint, '-32768'::smallint)$$,
  'integer extremes arrive exactly');
SELECT results_eq(
  'SELECT dt, ts FROM tap_types.typed WHERE id IN (1, 2, 3) ORDER BY id',
  $$VALUES ('2024-05-01 13:45:00.123456'::timestamp, '2024-05-01 13:45:00'::timestamp),
           ('2024-02-29 23:59:59.999999', '9999-12-31 23:59:59'),
           ('1970-01-01 00:00:00', '2023-11-14 22:13:20.5')$$,
  'date/times from text with microseconds, from T-form text and from epoch numbers');
SELECT results_eq(
  'SELECT at FROM tap_types.zoned ORDER BY id',
  $$VALUES ('2024-06-01 12:00:00+00'::timestamptz), ('2024-06-01 10:00:00+00'), ('2024-06-01 12:00:00+00'),
           ('2024-01-15 14:00:00.25+00'), ('2024-06-01 12:00:00+00'), ('2024-03-31 02:30:00+00')$$,
  'timestamptz honours zones in the text and reads naive text as UTC');
SELECT results_eq(
  'SELECT n, dc FROM tap_types.typed WHERE n IS NOT NULL ORDER BY id',
  $$VALUES (19.99::numeric(12,2), 12345::numeric(5,0)), (9999999999.99, 99999), (-9999999999.99, -99999), (0.10, 10000)$$,
  'numerics arrive exactly');
SELECT results_eq(
  'SELECT j::text FROM tap_types.typed ORDER BY id',
  $$VALUES ('{"a": [1, 2, {"b": null}]}'), ('"string"'), ('42'), ('1.25'), (NULL), ('null')$$,
  'JSON is kept byte for byte; numbers become JSON numbers; SQL NULL and JSON null stay apart');
SELECT results_eq(
  'SELECT u FROM tap_types.typed WHERE u IS NOT NULL ORDER BY id',
  $$VALUES ('123e4567-e89b-12d3-a456-426614174000'::uuid), ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
           ('123e4567-e89b-12d3-a456-426614174000')$$,
  'UUIDs from dashed text, bare hex and 16-byte blobs');

SELECT throws_ok('SELECT int_overflow FROM tap_bad.bad', '22003', NULL, 'integer overflow is 22003');
SELECT throws_ok('SELECT bad_utf8 FROM tap_bad.bad', '22021', NULL, 'invalid UTF-8 is 22021');
SELECT throws_ok('SELECT impossible_date FROM tap_bad.bad', '22008', NULL, 'an impossible date is 22008');
SELECT throws_ok('SELECT zoned FROM tap_bad.bad', '22007', NULL, 'a zone a timestamp would drop is 22007');
SELECT throws_ok('SELECT too_long FROM tap_bad.bad', '22001', NULL, 'text longer than varchar(n) is 22001');

SELECT * FROM finish();
ROLLBACK;
