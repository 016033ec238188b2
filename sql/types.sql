-- Value conversion by storage class into every mapped type, at the edges: extreme integers,
-- multi-byte text beyond the BMP, CHAR padding, booleans as 0/1 and as text, ISO date/times with
-- space or 'T' and microseconds, epoch numbers, exact numerics, infinities and NaN, JSON kept
-- byte for byte (numbers become JSON numbers), blobs, UUIDs from text and from 16-byte blobs.
\getenv abs_builddir PG_ABS_BUILDDIR
\set types_db :abs_builddir '/results/fixtures/types.db'
SET search_path = sqlite_types, public;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

\x on
SELECT * FROM typed ORDER BY id;
\x off

-- exact values, not just their display
SELECT id, n = 19.99 AS n_exact, f = 0.1::float8 AS f_exact, db::text, octet_length(ch) AS ch_bytes,
       length(vc) AS vc_chars, j::text, pg_column_size(bl) AS bl_size
FROM typed WHERE id <= 3 ORDER BY id;
SELECT id, tx IS NULL AS tx_null, tx = '' AS tx_empty, j IS NULL AS j_sql_null, j::text AS j_text
FROM typed WHERE id IN (5, 6) ORDER BY id;
SELECT count(*) FILTER (WHERE db = 'NaN') AS nans, count(*) FILTER (WHERE r = 'Infinity') AS infs,
       count(*) FILTER (WHERE r = '-Infinity') AS neg_infs FROM typed;

-- timestamptz: zones in the text are honoured; naive text is UTC unless a timezone option says otherwise
SELECT * FROM zoned ORDER BY id;
CREATE FOREIGN TABLE zoned_berlin (id int, at timestamptz OPTIONS (timezone 'Europe/Berlin'))
  SERVER types OPTIONS (table_name 'zoned');
SELECT * FROM zoned_berlin ORDER BY id;
CREATE SERVER types_kolkata FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'types_db', timezone 'Asia/Kolkata');
CREATE FOREIGN TABLE zoned_kolkata (id int, at timestamptz) SERVER types_kolkata OPTIONS (table_name 'zoned');
SELECT * FROM zoned_kolkata WHERE id IN (1, 2) ORDER BY id;

-- numbers as dates: Unix seconds (default), milliseconds, Julian days
CREATE FOREIGN TABLE epochs_read (
  id int,
  ms timestamp OPTIONS (datetime_unit 'unixepoch_ms'),
  jd timestamp OPTIONS (datetime_unit 'julianday')
) SERVER types OPTIONS (table_name 'epochs');
SELECT * FROM epochs_read ORDER BY id;
CREATE FOREIGN TABLE epochs_as_date (id int, jd date OPTIONS (datetime_unit 'julianday'))
  SERVER types OPTIONS (table_name 'epochs');
SELECT * FROM epochs_as_date ORDER BY id;
-- a REAL is rounded once, to the nearest microsecond: 1700000000.0000005 is 1700000000.000000477
-- as a double, so the second itself (it became .000001 through d * 1e6 in a double)
\set real_epochs_db :abs_builddir '/results/fixtures/real_epochs.db'
\setenv REAL_EPOCHS_DB :real_epochs_db
\! rm -f "$REAL_EPOCHS_DB"; sqlite3 "$REAL_EPOCHS_DB" "CREATE TABLE e (id INTEGER PRIMARY KEY, s REAL, ms REAL); INSERT INTO e VALUES (1, 1700000000.0000005, 1700000000000.0004), (2, 1700000000.9999996, 1700000000000.9996), (3, -1.5, -1.5)"
CREATE SERVER real_epochs FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'real_epochs_db');
CREATE FOREIGN TABLE real_epochs_read (id int, s timestamp, ms timestamp OPTIONS (datetime_unit 'unixepoch_ms'))
  SERVER real_epochs OPTIONS (table_name 'e');
SELECT * FROM real_epochs_read ORDER BY id;
DROP SERVER real_epochs CASCADE;

-- reading columns as other types than the import chose
CREATE FOREIGN TABLE typed_other (
  id text, i numeric, bi numeric(19,0), si double precision, n text, r text, tx varchar(20),
  j jsonb, dt timestamptz, d timestamp
) SERVER types OPTIONS (table_name 'typed');
SELECT * FROM typed_other ORDER BY id;
-- any other type goes through its input function, domains included
CREATE DOMAIN short_code AS text CHECK (length(VALUE) <= 3);
CREATE FOREIGN TABLE typed_domain (id int, ch short_code, vc name, t interval) SERVER types OPTIONS (table_name 'typed');
SELECT * FROM typed_domain WHERE id < 3 ORDER BY id;
SELECT ch FROM typed_domain;  -- ERROR
-- integers that floating point holds exactly, and the first ones it does not
CREATE FOREIGN TABLE wide_double (id int, n double precision) SERVER types OPTIONS (table_name 'wide_ints');
CREATE FOREIGN TABLE wide_real (id int, n real) SERVER types OPTIONS (table_name 'wide_ints');
SELECT n FROM wide_double WHERE id = 1;
SELECT n FROM wide_double WHERE id = 2;  -- ERROR
SELECT n FROM wide_real WHERE id = 3;
SELECT n FROM wide_real WHERE id = 4;  -- ERROR
RESET search_path;
RESET timezone;

-- More fractional seconds than a type keeps (chrono and Go write nine digits): refused by a type
-- without a declared precision, rounded by one with it as PostgreSQL's input rounds (halves as
-- rint does on the microseconds, then away from zero to the precision). Each of 400 generated
-- values and the edges against PostgreSQL's own cast of the same text.
SET timezone = 'UTC';
\set fractions_db :abs_builddir '/results/fixtures/fractions.db'
CREATE SERVER fractions FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'fractions_db');
CREATE FOREIGN TABLE fractions_plain (id int, at timestamp) SERVER fractions OPTIONS (table_name 'naive');
SELECT at FROM fractions_plain WHERE id = 1001;  -- ERROR
CREATE FOREIGN TABLE fractions_naive (
  id int, at text, clock text,
  ts6 timestamp(6) OPTIONS (column_name 'at'), ts3 timestamp(3) OPTIONS (column_name 'at'),
  ts0 timestamp(0) OPTIONS (column_name 'at'), tm6 time(6) OPTIONS (column_name 'clock'),
  tm0 time(0) OPTIONS (column_name 'clock')
) SERVER fractions OPTIONS (table_name 'naive');
CREATE FOREIGN TABLE fractions_zoned (
  id int, at text, tz6 timestamptz(6) OPTIONS (column_name 'at'), tz2 timestamptz(2) OPTIONS (column_name 'at')
) SERVER fractions OPTIONS (table_name 'fractions');
SELECT count(*) AS naive_values,
       count(*) FILTER (WHERE ts6 = at::timestamp(6)) AS ts6_same,
       count(*) FILTER (WHERE ts3 = at::timestamp(3)) AS ts3_same,
       count(*) FILTER (WHERE ts0 = at::timestamp(0)) AS ts0_same,
       count(*) FILTER (WHERE tm6 = clock::time(6)) AS tm6_same,
       count(*) FILTER (WHERE tm0 = clock::time(0)) AS tm0_same
FROM fractions_naive;
SELECT count(*) AS all_values,
       count(*) FILTER (WHERE tz6 = at::timestamptz(6)) AS tz6_same,
       count(*) FILTER (WHERE tz2 = at::timestamptz(2)) AS tz2_same
FROM fractions_zoned;
SELECT id, at, ts6, ts3, ts0, tm6, tm0 FROM fractions_naive WHERE id > 1000 ORDER BY id;
-- a date where a time of day goes, and a time of day where a date goes, each said as such
CREATE FOREIGN TABLE fractions_swapped (id int, at time, clock timestamp) SERVER fractions OPTIONS (table_name 'naive');
SELECT at FROM fractions_swapped WHERE id = 1011;  -- ERROR
SELECT clock FROM fractions_swapped WHERE id = 1011;  -- ERROR
-- hangar_migrate: a declared DATETIME(3) rounds; a plain DATETIME stops, naming the row, until
-- column_types gives it a precision; the detail counts the values rounded and names the first
SET client_min_messages = warning;
SELECT table_name, rows_copied FROM hangar_migrate(:'fractions_db', 'fractions_mig');  -- ERROR
SELECT table_name, rows_copied, verified, detail
FROM hangar_migrate(:'fractions_db', 'fractions_mig',
                    column_types => '{"stamped.at": "timestamp(6)", "stamped.clock": "time(6)"}')
WHERE table_name = 'stamped';
SELECT count(*) AS rows, count(*) FILTER (WHERE s.at = n.at::timestamp(6)) AS at_same,
       count(*) FILTER (WHERE s.clock = n.clock::time(6)) AS clock_same,
       count(*) FILTER (WHERE s.at_ms = n.at::timestamp(3)) AS at_ms_same
FROM fractions_mig.stamped s JOIN fractions_naive n USING (id);
SELECT table_name, verified FROM hangar_verify(:'fractions_db', 'fractions_mig') WHERE table_name = 'stamped';
DROP SCHEMA fractions_mig CASCADE;
DROP SERVER fractions CASCADE;
RESET client_min_messages;
RESET timezone;
