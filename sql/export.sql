-- hangar_export: a migrated schema, changed in PostgreSQL, back into a SQLite file the app can use
-- again. The app's own DDL comes back as written, changes made since are carried or refused by
-- name, values come back in the app's forms (checked with sqlite3's quote()), sqlite_sequence
-- ends above every id PostgreSQL handed out, and migrating the exported file again gives the
-- same PostgreSQL content.
\getenv abs_builddir PG_ABS_BUILDDIR
\set fixtures :abs_builddir '/results/fixtures'
\set app_db :fixtures '/export_app.db'
\set out_db :fixtures '/exported.db'
SET regress.fixtures = :'fixtures';
-- (the NOTICE each table's copy and export prints gives its time, so the test keeps them quiet)
SET client_min_messages = warning;
SELECT table_name, rows_copied, verified FROM hangar_migrate(:'app_db', 'ex');
-- what was recorded
SELECT t.sqlite_name, t.target_table, t.sqlite_sequence FROM hangar.migrated_tables t
JOIN hangar.migrations m USING (run_id) WHERE m.target_schema = 'ex' ORDER BY 1;
SELECT c.sqlite_table, c.sqlite_name, c.target_type, c.sample_type, c.sample FROM hangar.migrated_columns c
JOIN hangar.migrations m USING (run_id) WHERE m.target_schema = 'ex' AND c.sample IS NOT NULL ORDER BY 1, 2;

-- the app works on PostgreSQL for a while
INSERT INTO ex.pilots (name, status, joined_at, wallet, verified, profile)
VALUES ('Cy', 'active', '2025-03-04 05:06:07.5', 12.25, true, '{"corp": "Bravo", "tags": [1, 2]}');
UPDATE ex.pilots SET wallet = wallet + 0.25, verified = true, status = 'retired' WHERE name = 'Ann';
INSERT INTO ex.ships (pilot_id, model, mass) VALUES (3, 'Heron', 1150000.25), (3, 'Probe', 1.5e6) RETURNING id;
DELETE FROM ex.ships WHERE model = 'Probe';       -- the sequence is now past the largest id
DELETE FROM ex.pilots WHERE name = 'Bob';         -- its ships go with it
ALTER TABLE ex.pilots ADD COLUMN callsign varchar(20);
UPDATE ex.pilots SET callsign = 'ANN-1' WHERE name = 'Ann';
CREATE TABLE ex.missions (
  id serial PRIMARY KEY,
  ship_id int NOT NULL REFERENCES ex.ships ON DELETE CASCADE,
  title varchar(80) NOT NULL UNIQUE,
  reward numeric(10, 2),
  started_at timestamptz,
  done boolean NOT NULL DEFAULT false
);
CREATE INDEX ix_missions_started_at ON ex.missions (started_at);
INSERT INTO ex.missions (ship_id, title, reward, started_at, done) VALUES (1, 'Patrol', 100.5, '2025-06-01 12:00+02', true);
UPDATE ex.alembic_version SET version_num = '4a0b2d8e9f10';
-- and that Alembic revision renamed an index and a unique constraint and added a CHECK
DROP INDEX ex.ix_ships_pilot_id;
CREATE INDEX ix_ships_pilot ON ex.ships (pilot_id);
ALTER TABLE ex.pilots RENAME CONSTRAINT uq_pilots_name TO uq_pilots_display_name;
ALTER TABLE ex.ships ADD CONSTRAINT ck_ships_mass_positive CHECK (mass > 0);

-- who may, and bad arguments
CREATE ROLE regress_export_plain;
GRANT USAGE ON SCHEMA ex TO regress_export_plain;
GRANT EXECUTE ON FUNCTION hangar_export(name, text, text, boolean) TO regress_export_plain;
SET ROLE regress_export_plain;
SELECT regress_error($$SELECT * FROM hangar_export('ex', '/tmp/hangar-regress-never-written.db')$$);
RESET ROLE;
SELECT regress_error($$SELECT * FROM hangar_export('ex', 'relative.db')$$);
SELECT regress_error($$SELECT * FROM hangar_export('ex', '/tmp/hangar-regress-never-written.db', if_exists => 'append')$$);
SELECT regress_error($$SELECT * FROM hangar_export('no_such_schema', '/tmp/hangar-regress-never-written.db')$$);
SELECT regress_error($$SELECT * FROM hangar_export('ex', '$$ || current_setting('regress.fixtures') || $$/export_app.db')$$);

-- the export
SELECT table_name, source_table, rows_copied, verified, detail FROM hangar_export('ex', :'out_db');
\! sqlite3 "$PG_ABS_BUILDDIR/results/fixtures/exported.db" "PRAGMA integrity_check; PRAGMA foreign_key_check; SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid"
\! sqlite3 "$PG_ABS_BUILDDIR/results/fixtures/exported.db" "SELECT id, quote(name), quote(status), quote(joined_at), quote(wallet), quote(verified), quote(profile), quote(callsign) FROM pilots ORDER BY id; SELECT id, pilot_id, quote(model), quote(mass), quote(updated_at) FROM ships ORDER BY id; SELECT * FROM missions; SELECT * FROM sqlite_sequence ORDER BY name; SELECT * FROM alembic_version; SELECT * FROM fleet ORDER BY name; SELECT * FROM audit ORDER BY id"
SELECT last_value FROM ex.ships_id_seq;
-- PostgreSQL -> export -> migrate gives the same PostgreSQL content
SELECT count(*) FILTER (WHERE verified) AS verified, count(*) AS tables
FROM hangar_migrate(:'out_db', 'ex_again') WHERE rows_copied IS NOT NULL;
-- (rows compared as text; a timestamptz column made in PostgreSQL comes back as the UTC timestamp
-- SQLAlchemy's DATETIME holds)
SELECT 'pilots' AS t, count(*) AS differences FROM ((SELECT p::text FROM ex.pilots p EXCEPT SELECT p::text FROM ex_again.pilots p)
  UNION ALL (SELECT p::text FROM ex_again.pilots p EXCEPT SELECT p::text FROM ex.pilots p)) d
UNION ALL SELECT 'ships', count(*) FROM ((TABLE ex.ships EXCEPT TABLE ex_again.ships) UNION ALL (TABLE ex_again.ships EXCEPT TABLE ex.ships)) d
UNION ALL SELECT 'audit', count(*) FROM ((TABLE ex.audit EXCEPT TABLE ex_again.audit) UNION ALL (TABLE ex_again.audit EXCEPT TABLE ex.audit)) d
UNION ALL SELECT 'alembic_version', count(*) FROM ((TABLE ex.alembic_version EXCEPT TABLE ex_again.alembic_version)
  UNION ALL (TABLE ex_again.alembic_version EXCEPT TABLE ex.alembic_version)) d
UNION ALL SELECT 'missions', count(*) FROM (
  (SELECT id, ship_id, title, reward, started_at AT TIME ZONE 'UTC', done FROM ex.missions EXCEPT SELECT * FROM ex_again.missions)
  UNION ALL (SELECT * FROM ex_again.missions EXCEPT SELECT id, ship_id, title, reward, started_at AT TIME ZONE 'UTC', done FROM ex.missions)) d;

-- the app back on SQLite: a new ship gets an id PostgreSQL never handed out, and the trigger fires
\! sqlite3 "$PG_ABS_BUILDDIR/results/fixtures/exported.db" "INSERT INTO ships (pilot_id, model) VALUES (1, 'Kestrel'); SELECT max(id) FROM ships; DELETE FROM ships WHERE model = 'Kestrel'; SELECT note FROM audit ORDER BY id DESC LIMIT 1"


-- replacing: if_exists => 'replace' swaps the file whole, leaving no stale journal behind
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && touch exported.db-journal && sqlite3 exported.db "SELECT count(*) FROM pilots"
SELECT count(*) AS tables FROM hangar_export('ex', :'out_db', if_exists => 'replace');
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && ls exported.db* && sqlite3 exported.db "SELECT count(*) FROM pilots"

-- changes SQLite cannot express are errors that name them, and the target stays as it was
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && cp exported.db exported.before
ALTER TABLE ex.ships ALTER COLUMN model TYPE text;
SELECT regress_error($$SELECT * FROM hangar_export('ex', '$$ || current_setting('regress.fixtures') || $$/exported.db', if_exists => 'replace')$$);
ALTER TABLE ex.ships ALTER COLUMN model TYPE varchar(40);
ALTER TABLE ex.audit DROP COLUMN note;  -- the app's trigger uses it
SELECT regress_error($$SELECT * FROM hangar_export('ex', '$$ || current_setting('regress.fixtures') || $$/exported.db', if_exists => 'replace')$$);
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && cmp exported.db exported.before && ls exported.db* && echo "the target is unchanged"
-- a column nothing of the app's uses is dropped with its table rebuilt
ALTER TABLE ex.audit ADD COLUMN note text;
ALTER TABLE ex.pilots DROP COLUMN wallet;
SELECT table_name, rows_copied, verified, detail FROM hangar_export('ex', :'out_db', if_exists => 'replace') WHERE table_name = 'pilots';
\! sqlite3 "$PG_ABS_BUILDDIR/results/fixtures/exported.db" "SELECT sql FROM sqlite_schema WHERE name = 'pilots'; SELECT * FROM pilots ORDER BY id"

-- a schema never migrated gets the DDL SQLAlchemy emits on SQLite
CREATE SCHEMA fresh;
CREATE TYPE fresh.mood AS ENUM ('calm', 'furious');
CREATE TABLE fresh.authors (id bigserial PRIMARY KEY, name varchar(40) NOT NULL, born date, bio text, mood fresh.mood, token uuid, photo bytea, rating real, score double precision);
CREATE TABLE fresh.books (isbn char(13) PRIMARY KEY, author_id bigint REFERENCES fresh.authors ON DELETE SET NULL, title text NOT NULL, meta jsonb, CONSTRAINT uq_books_title UNIQUE (author_id, title));
INSERT INTO fresh.authors (name, born, mood, token, photo, rating, score) VALUES ('Le Guin', '1929-10-21', 'calm', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\xff00', 4.5, 0.1);
INSERT INTO fresh.books VALUES ('9780441478125', 1, 'The Left Hand of Darkness', '{"year": 1969}');
\set fresh_db :fixtures '/fresh.db'
SELECT table_name, rows_copied, verified, detail FROM hangar_export('fresh', :'fresh_db');
\! sqlite3 "$PG_ABS_BUILDDIR/results/fixtures/fresh.db" "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid; SELECT quote(name), quote(born), quote(mood), quote(token), quote(photo), quote(rating), quote(score) FROM authors; SELECT isbn, quote(meta) FROM books"

-- a real is written as the double its shortest decimal reads as (19.99, as the app wrote it, not
-- 19.989999771118164): the file reads back, and holds the values the app had
\set values_db :fixtures '/values.db'
\set values_out :fixtures '/values_exported.db'
SELECT count(*) FROM hangar_migrate(:'values_db', 'ex_values', on_error => 'reject');
SELECT table_name, rows_copied, verified FROM hangar_export('ex_values', :'values_out') ORDER BY 1;
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && sqlite3 values.db "SELECT id, quote(price), quote(jd), quote(big) FROM v" > values.before && sqlite3 values_exported.db "SELECT id, quote(price), quote(jd), quote(big) FROM v" | diff values.before - && echo "price, jd and big as they were"
DROP SCHEMA ex_values CASCADE;

-- a value SQLite cannot hold exactly stops the export, naming the row by its primary key (by
-- its ctid in a table without one); no file is left
CREATE SCHEMA nan;
CREATE TABLE nan.keyed (id int, part text, x float8, PRIMARY KEY (part, id));
INSERT INTO nan.keyed VALUES (1, 'a', 1.5), (2, 'b', 'NaN');
\set nan_db :fixtures '/nan.db'
SELECT * FROM hangar_export('nan', :'nan_db');
DROP TABLE nan.keyed;
CREATE TABLE nan.loose (x float8);
INSERT INTO nan.loose VALUES (1), ('NaN');
SELECT * FROM hangar_export('nan', :'nan_db');
\! ls "$PG_ABS_BUILDDIR/results/fixtures/nan.db" 2>/dev/null || echo "no nan.db"
DROP SCHEMA nan CASCADE;

DROP SCHEMA ex CASCADE;
DROP SCHEMA ex_again CASCADE;
DROP SCHEMA fresh CASCADE;
DROP OWNED BY regress_export_plain;
DROP ROLE regress_export_plain;
