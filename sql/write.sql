-- Writes through foreign tables: the updatable/truncatable options and who may set them,
-- INSERT/UPDATE/DELETE with RETURNING by rowid, by the rowid alias and by a WITHOUT ROWID key,
-- values stored in the form the app stores (checked with sqlite3's own quote()), errors that
-- name table, column and value, and atomicity with PostgreSQL's transactions and savepoints.
\getenv abs_builddir PG_ABS_BUILDDIR
\set fixtures :abs_builddir '/results/fixtures'
\set write_db :fixtures '/write_app.db'
SET regress.fixtures = :'fixtures';

-- who may make a file writable
CREATE ROLE regress_write_plain;
CREATE ROLE regress_write_reader;
GRANT pg_read_server_files TO regress_write_reader;
GRANT USAGE ON FOREIGN DATA WRAPPER hangar_fdw TO regress_write_plain, regress_write_reader;
SET ROLE regress_write_reader;
SELECT regress_error($$CREATE SERVER w_reader FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database '$$ || current_setting('regress.fixtures') || $$/write_app.db', updatable 'true')$$);
SELECT regress_error($$CREATE SERVER w_reader FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database '$$ || current_setting('regress.fixtures') || $$/write_app.db', truncatable 'yes')$$);
CREATE SERVER w_reader FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'write_db', updatable 'false');
DROP SERVER w_reader;
RESET ROLE;
SELECT regress_error($$CREATE SERVER w_bad FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database '/x.db', updatable 'maybe')$$);

CREATE SERVER w_app FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'write_db', updatable 'true');
CREATE SCHEMA w;
IMPORT FOREIGN SCHEMA main FROM SERVER w_app INTO w;
SET search_path = w, public;

-- INSERT: SQLite fills what the statement leaves out (defaults, the AUTOINCREMENT id)
INSERT INTO users (email, created_at, balance, score, prefs, avatar, active)
VALUES ('bob@example.com', '2024-05-01 10:00', 5.5, 0.1 + 0.2, '{"a": [1, 2]}', '\x00ff', false)
RETURNING *;
INSERT INTO users (email) VALUES ('cy@example.com'), ('dee@example.com') RETURNING id, active, balance, created_at IS NOT NULL AS has_created_at;
INSERT INTO users (email, balance) SELECT 'gen' || i || '@example.com', i * 1.25 FROM generate_series(1, 3) i;
\! sqlite3 "$PG_ABS_BUILDDIR/results/fixtures/write_app.db" "SELECT id, quote(email), quote(active), CASE WHEN id <= 2 THEN quote(created_at) ELSE typeof(created_at) END, quote(balance), quote(score), quote(prefs), quote(avatar) FROM users WHERE id <> 3 ORDER BY id"
-- the app's date/time, UUID and number forms, learned from the values each column holds
CREATE FOREIGN TABLE w_events (id int, at timestamp, at_utc timestamptz, day date, clock time, token uuid, label text, amount numeric)
  SERVER w_app OPTIONS (table_name 'events');
SET timezone = 'America/New_York';
INSERT INTO w_events VALUES
  (2, '2024-06-01 12:00:00', '2024-06-01 12:00:00-04', '2024-06-01', '23:59:59.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'second', 12.50),
  (3, '2024-06-01 12:00:00.25', '2024-06-01 12:00:00.000001+02', '0001-01-01', '00:00', '00000000-0000-0000-0000-000000000000', 'third', 0.1);
RESET timezone;
\! sqlite3 "$PG_ABS_BUILDDIR/results/fixtures/write_app.db" "SELECT id, quote(at), quote(at_utc), quote(day), quote(clock), quote(token), quote(amount) FROM events ORDER BY id"
SELECT * FROM w_events ORDER BY id;
CREATE FOREIGN TABLE w_epochs (id int, at timestamptz) SERVER w_app OPTIONS (table_name 'epochs');
INSERT INTO w_epochs VALUES (2, '2024-01-02 03:04:06+00'), (3, '2024-01-02 03:04:06.5+00');
\! sqlite3 "$PG_ABS_BUILDDIR/results/fixtures/write_app.db" "SELECT id, quote(at) FROM epochs ORDER BY id"

-- values SQLite cannot hold exactly are errors naming table, column and value
SELECT regress_error($$INSERT INTO users (email, score) VALUES ('nan@example.com', 'NaN')$$);
CREATE FOREIGN TABLE w_measures (id int, value numeric, amount numeric, label float8) SERVER w_app OPTIONS (table_name 'measures');
SELECT regress_error($$INSERT INTO w_measures (id, value) VALUES (1, 12345678901234567890.12)$$);
SELECT regress_error($$INSERT INTO w_measures (id, amount) VALUES (1, 0.1000000000000000055511151231257827)$$);
INSERT INTO w_measures VALUES (1, 1e20, 7.000, 0.1::float8 + 0.2::float8), (2, 0.125, 2.5, 1e-7), (3, 2.5e-5, 9223372036854775807, 'Infinity');
\! sqlite3 "$PG_ABS_BUILDDIR/results/fixtures/write_app.db" "SELECT id, quote(value), quote(amount), quote(label) FROM measures ORDER BY id"
SELECT * FROM w_measures ORDER BY id;
CREATE FOREIGN TABLE w_measures_int (id int, value bigint) SERVER w_app OPTIONS (table_name 'measures');
SELECT regress_error($$INSERT INTO w_measures_int VALUES (4, 9007199254740993)$$);
SELECT regress_error($$INSERT INTO w_events (id, at) VALUES (9, 'infinity')$$);
SELECT regress_error($$INSERT INTO w_events (id, day) VALUES (9, '10000-01-01')$$);
SELECT regress_error($$INSERT INTO generated (a, doubled) VALUES (1, 2)$$);
INSERT INTO generated (a) VALUES (21) RETURNING *;

-- UPDATE and DELETE, by the rowid alias, by the rowid (ctid) and by a WITHOUT ROWID key
UPDATE users SET balance = balance * 2, active = NOT active WHERE email = 'bob@example.com' RETURNING id, balance, active;
DELETE FROM users WHERE email = 'cy@example.com' RETURNING id, email;
UPDATE users SET id = id + 100 WHERE id > 1;  -- every row moved once, though the scan runs by rowid
SELECT id, email FROM users ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) UPDATE users SET id = id + 100 WHERE id > 1;
UPDATE notes SET weight = weight * 10 WHERE body <> 'two' RETURNING *;
DELETE FROM notes WHERE body = 'one';
EXPLAIN (VERBOSE, COSTS OFF) DELETE FROM notes WHERE body = 'one';
\! sqlite3 "$PG_ABS_BUILDDIR/results/fixtures/write_app.db" "SELECT rowid, body, quote(weight) FROM notes ORDER BY rowid"
UPDATE tags SET note = upper(note) WHERE position = 1 RETURNING *;
DELETE FROM tags WHERE name = 'a' AND position = 2;
INSERT INTO tags VALUES ('c', 1, 'new');
SELECT * FROM tags ORDER BY name, position;
EXPLAIN (VERBOSE, COSTS OFF) UPDATE tags SET note = 'x' WHERE name = 'c';

-- ON CONFLICT DO NOTHING skips a row SQLite finds a duplicate of; without it, 23505
INSERT INTO users (email) VALUES ('ann@example.com'), ('eve@example.com') ON CONFLICT DO NOTHING RETURNING email;
SELECT regress_error($$INSERT INTO users (email) VALUES ('fay@example.com'), ('ann@example.com')$$);
SELECT count(*) FROM users WHERE email = 'fay@example.com';  -- the failing statement changed nothing
SELECT regress_error($$INSERT INTO users (email, active) VALUES ('gil@example.com', NULL)$$);

-- atomic with PostgreSQL: rollback, savepoints, an exception block, a failed commit
BEGIN;
INSERT INTO counters (v) VALUES (10);
ROLLBACK;
BEGIN;
INSERT INTO counters (v) VALUES (20);
SAVEPOINT a;
INSERT INTO counters (v) VALUES (21);
SAVEPOINT b;
INSERT INTO counters (v) VALUES (22);
ROLLBACK TO SAVEPOINT a;
INSERT INTO counters (v) VALUES (23);
SAVEPOINT c;
UPDATE counters SET v = -v;
RELEASE SAVEPOINT c;
COMMIT;
SELECT * FROM counters ORDER BY id;
DO $$
BEGIN
  INSERT INTO w.counters (v) VALUES (30);
  BEGIN
    INSERT INTO w.counters (v) VALUES (31);
    PERFORM 1 / 0;
  EXCEPTION WHEN division_by_zero THEN
    RAISE NOTICE 'caught; 31 is rolled back';
  END;
END
$$;
SELECT v FROM counters ORDER BY id;
-- a failing UPDATE inside an exception block, while its scan is still open, is undone alone
DO $$
BEGIN
  UPDATE w.users SET email = 'ann@example.com' WHERE id > 100;
EXCEPTION WHEN unique_violation THEN
  RAISE NOTICE 'caught %', SQLERRM;
END
$$;
SELECT count(*) FROM users WHERE email = 'ann@example.com';
-- a write PostgreSQL cannot commit (a deferred constraint fails at COMMIT) is not kept either
CREATE TABLE w_local (id int PRIMARY KEY, parent int REFERENCES w_local DEFERRABLE INITIALLY DEFERRED);
BEGIN;
INSERT INTO counters (v) VALUES (40);
INSERT INTO w_local VALUES (1, 99);
COMMIT;
SELECT count(*) FROM counters WHERE v = 40;
BEGIN;
INSERT INTO counters (v) VALUES (50);
\set VERBOSITY terse
PREPARE TRANSACTION 'w';
\set VERBOSITY default
\! sqlite3 "$PG_ABS_BUILDDIR/results/fixtures/write_app.db" "PRAGMA integrity_check; SELECT v FROM counters ORDER BY id; SELECT seq FROM sqlite_sequence WHERE name = 'counters'"

-- TRUNCATE needs truncatable; RESTART IDENTITY starts AUTOINCREMENT again
SELECT regress_error('TRUNCATE counters');
ALTER FOREIGN TABLE counters OPTIONS (ADD truncatable 'true');
TRUNCATE counters RESTART IDENTITY;
INSERT INTO counters (v) VALUES (1) RETURNING id;

-- a table's own option wins over its server's, and names the option when it says no
ALTER FOREIGN TABLE notes OPTIONS (ADD updatable 'false');
SELECT regress_error($$INSERT INTO notes VALUES ('x', 1)$$);
SELECT regress_error($$UPDATE notes SET weight = 0$$);
SELECT regress_error($$DELETE FROM notes$$);
SELECT count(*) FROM notes;  -- reading is still allowed

-- a role with USAGE on an updatable server may write: the server's owner decided
GRANT USAGE ON FOREIGN SERVER w_app TO regress_write_plain;
GRANT USAGE ON SCHEMA w TO regress_write_plain;
GRANT SELECT, INSERT ON w.tags TO regress_write_plain;
SET ROLE regress_write_plain;
INSERT INTO tags VALUES ('d', 1, 'by a plain role');
SELECT regress_error($$ALTER FOREIGN TABLE tags OPTIONS (ADD updatable 'true')$$);
RESET ROLE;
SELECT * FROM tags WHERE name = 'd';

-- a file or folder the server may not write
\set ro_file :fixtures '/ro_file.db'
\set ro_dir :fixtures '/readonly_dir/ro.db'
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && mkdir -p readonly_dir && sqlite3 readonly_dir/ro.db "CREATE TABLE t (v TEXT)" && sqlite3 ro_file.db "CREATE TABLE t (v TEXT)" && chmod 444 ro_file.db && chmod 555 readonly_dir
CREATE SERVER w_ro_file FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'ro_file', updatable 'true');
CREATE FOREIGN TABLE w_ro_file (v text) SERVER w_ro_file OPTIONS (table_name 't');
SELECT regress_error($$INSERT INTO w_ro_file VALUES ('x')$$);
CREATE SERVER w_ro_dir FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'ro_dir', updatable 'true');
CREATE FOREIGN TABLE w_ro_dir (v text) SERVER w_ro_dir OPTIONS (table_name 't');
SELECT regress_error($$INSERT INTO w_ro_dir VALUES ('x')$$);
\! chmod 755 "$PG_ABS_BUILDDIR/results/fixtures/readonly_dir"

-- another process holds the write lock: 55P03 after busy_timeout_ms, no hang
ALTER SERVER w_app OPTIONS (ADD busy_timeout_ms '200');
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && ( (printf 'BEGIN IMMEDIATE;\n.shell touch write.held\n'; sleep 2) | sqlite3 write_app.db >/dev/null 2>&1; touch write.released ) &
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && while [ ! -f write.held ]; do sleep 0.05; done
SELECT regress_error($$INSERT INTO tags VALUES ('e', 1, 'locked out')$$);
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && while [ ! -f write.released ]; do sleep 0.05; done
INSERT INTO tags VALUES ('e', 1, 'after the lock');
SELECT count(*) FROM tags WHERE name = 'e';

-- COPY into a foreign table, and rows routed into a foreign partition, write every column
\! printf 'copy\t1\tcopied\ncopy\t2\t\\N\n' > "$PG_ABS_BUILDDIR/results/fixtures/copy.tsv"
\set copy_file :fixtures '/copy.tsv'
COPY tags FROM :'copy_file';
SELECT * FROM tags WHERE name = 'copy' ORDER BY position;
CREATE TABLE w_parted (id int, value numeric, amount numeric, label float8) PARTITION BY RANGE (id);
CREATE TABLE w_parted_local PARTITION OF w_parted FOR VALUES FROM (0) TO (100);
ALTER TABLE w_parted ATTACH PARTITION w_measures FOR VALUES FROM (100) TO (200);
INSERT INTO w_parted VALUES (5, 1, 1, 1), (150, 2.5, 3, 4) RETURNING *, tableoid::regclass;
\! sqlite3 "$PG_ABS_BUILDDIR/results/fixtures/write_app.db" "SELECT id, quote(value), quote(amount), quote(label) FROM measures WHERE id >= 100"
ALTER TABLE w_parted DETACH PARTITION w_measures;
DROP TABLE w_parted;

-- a damaged file: a WITHOUT ROWID table's row whose key reads as NULL is read, and refused to
-- UPDATE and DELETE with a clean error (it was XX000)
\set null_key_db :fixtures '/null_key.db'
CREATE SERVER w_damaged FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'null_key_db', updatable 'true');
CREATE SCHEMA w_damaged;
IMPORT FOREIGN SCHEMA main LIMIT TO (kv) FROM SERVER w_damaged INTO w_damaged;
SELECT * FROM w_damaged.kv ORDER BY v;
UPDATE w_damaged.kv SET v = 9;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM w_damaged.kv;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM w_damaged.kv ORDER BY v;
DROP SCHEMA w_damaged CASCADE;
DROP SERVER w_damaged;

RESET search_path;
DROP SCHEMA w CASCADE;
DROP SERVER w_app CASCADE;
DROP SERVER w_ro_file CASCADE;
DROP SERVER w_ro_dir CASCADE;
DROP OWNED BY regress_write_plain, regress_write_reader;
DROP ROLE regress_write_plain;
DROP ROLE regress_write_reader;
