-- hangar_sync: a migrated schema caught up with what the app wrote to SQLite since (here written
-- through an updatable foreign table, as another writer would): rows inserted, changed and
-- deleted by primary key, composite keys too, children deleted before parents, sequences moved
-- on, every table verified, nothing written when nothing changed; a row changed in PostgreSQL
-- since the migration or the last sync is refused with nothing synced (overwrite => true
-- replaces it), and so is a SQLite table whose schema changed; rejects with on_error; the
-- compact state; change capture (hangar_capture_start/stop): only logged rows read, the log
-- cleared, a change the triggers missed found by the row count, a rebuilt table read in full.
\getenv abs_builddir PG_ABS_BUILDDIR
\set sync_db :abs_builddir '/results/fixtures/sync_app.db'
\set capture_db :abs_builddir '/results/fixtures/sync_capture.db'
\set caps_db :abs_builddir '/results/fixtures/sync_caps.db'
\setenv SYNC_DB :sync_db
\setenv CAPTURE_DB :capture_db
\setenv CAPS_DB :caps_db
\! cp "$SYNC_DB" "$CAPTURE_DB"; cp "$SYNC_DB" "$CAPS_DB"
SET client_min_messages = warning;
SET datestyle = 'ISO, YMD';

SELECT table_name, rows_copied FROM hangar_migrate(:'sync_db', 'sy') ORDER BY table_name;
-- the migration left each table's state: 17 bytes a row for a key of one integer column copied
-- in key order (the varint of its difference from the key before, then two hashes), 32 for
-- others (a 16-byte hash of the key instead)
SELECT table_name, kind, row_count, key_format, length(entries) FROM hangar.sync_state WHERE target_schema = 'sy' ORDER BY table_name, chunk;
-- The raw hashes of a state chunk's entries (the last 8 bytes of each), in entry order.
CREATE FUNCTION pg_temp.state_raws(entries bytea, key_format text) RETURNS SETOF bytea LANGUAGE plpgsql AS $$
DECLARE
  at integer := 0;
BEGIN
  WHILE at < length(entries) LOOP
    IF key_format = 'hash' THEN
      at := at + 16;
    ELSE
      WHILE get_byte(entries, at) >= 128 LOOP at := at + 1; END LOOP;
      at := at + 1;
    END IF;
    RETURN NEXT substring(entries FROM at + 9 FOR 8);
    at := at + 16;
  END LOOP;
END $$;
-- with every row's raw hash (the last 8 bytes of its entry), recorded as the copy stored it, so
-- the first sync converts only what changed; in reject mode the state is taken from the table
-- after the copy (rows may be removed with their orphans), where the raw hashes are unknown: 0
SELECT count(*) FROM hangar_migrate(:'sync_db', 'sy_reject', on_error => 'reject');
SELECT target_schema, table_name,
       count(*) FILTER (WHERE raw <> '\x0000000000000000'::bytea) AS raw_known,
       count(*) AS entries
FROM hangar.sync_state, pg_temp.state_raws(entries, key_format) AS raw
WHERE target_schema IN ('sy', 'sy_reject') GROUP BY 1, 2 ORDER BY 1, 2;
-- the first sync of that schema converts every row once, and records their raw hashes
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'sync_db', 'sy_reject') ORDER BY table_name;
SELECT table_name,
       count(*) FILTER (WHERE raw <> '\x0000000000000000'::bytea) AS raw_known,
       count(*) AS entries
FROM hangar.sync_state, pg_temp.state_raws(entries, key_format) AS raw
WHERE target_schema = 'sy_reject' GROUP BY 1 ORDER BY 1;
-- a row the migration rejected has no version in PostgreSQL: a sync in reject mode rejects it
-- again, and the table still verifies (it counted a version of the row that was not there)
\set values_db :abs_builddir '/results/fixtures/values.db'
SELECT table_name, rows_copied, rows_rejected FROM hangar_migrate(:'values_db', 'sy_values', on_error => 'reject') ORDER BY 1;
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'values_db', 'sy_values', on_error => 'reject') ORDER BY 1;
-- a table with a generated column (its copy may be done again with the column made plain) also
-- has its state taken from the table; the first sync converts its rows and applies a change
\set gen_db :abs_builddir '/results/fixtures/sync_generated.db'
\setenv GEN_DB :gen_db
\! rm -f "$GEN_DB"; sqlite3 "$GEN_DB" "CREATE TABLE g (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b INTEGER GENERATED ALWAYS AS (a * 2) STORED); INSERT INTO g (id, a) VALUES (1, 10), (2, 20)"
SELECT table_name, rows_copied, verified FROM hangar_migrate(:'gen_db', 'sy_gen');
SELECT table_name, count(*) FILTER (WHERE raw <> '\x0000000000000000'::bytea) AS raw_known
FROM hangar.sync_state, pg_temp.state_raws(entries, key_format) AS raw WHERE target_schema = 'sy_gen' GROUP BY 1;
\! sqlite3 "$GEN_DB" "UPDATE g SET a = 11 WHERE id = 1; INSERT INTO g (id, a) VALUES (3, 30)"
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'gen_db', 'sy_gen');
SELECT * FROM sy_gen.g ORDER BY id;
-- reject mode: rows left without their parent once the sync is written (the app runs with
-- foreign keys off, SQLite's default) are rejected as the migration rejects them: a new child of
-- no parent, and the children of a deleted parent, with their own children in turn
\set orphan_db :abs_builddir '/results/fixtures/sync_orphans.db'
\setenv ORPHAN_DB :orphan_db
\! rm -f "$ORPHAN_DB"; sqlite3 "$ORPHAN_DB" "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id), v TEXT); CREATE TABLE g (id INTEGER PRIMARY KEY, c_id INTEGER REFERENCES c (id)); INSERT INTO p VALUES (1, 'one'), (2, 'two'); INSERT INTO c VALUES (10, 1, 'a'), (20, 2, 'b'), (21, 2, 'c'); INSERT INTO g VALUES (100, 20), (101, 10)"
SELECT table_name, rows_copied FROM hangar_migrate(:'orphan_db', 'sy_orphans', on_error => 'reject') ORDER BY 1;
\! sqlite3 "$ORPHAN_DB" "INSERT INTO c VALUES (30, 9, 'no parent'); DELETE FROM p WHERE id = 2; UPDATE c SET v = 'A' WHERE id = 10"
-- in stop mode the first one is PostgreSQL's foreign-key error, and nothing is written
\set VERBOSITY terse
SELECT * FROM hangar_sync(:'orphan_db', 'sy_orphans');
\set VERBOSITY default
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, regexp_replace(detail, 'run_id \d+', 'run_id N', 'g') AS detail
FROM hangar_sync(:'orphan_db', 'sy_orphans', on_error => 'reject') ORDER BY 1;
SELECT * FROM sy_orphans.c ORDER BY id;
SELECT * FROM sy_orphans.g ORDER BY id;
SELECT table_name, rowid, column_name, raw_value, reason, sqlstate FROM hangar.rejects
WHERE run_id = (SELECT max(run_id) FROM hangar.rejects) ORDER BY 1, 2;
-- nothing new: the same rows are rejected again, nothing is written, every table verifies
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'orphan_db', 'sy_orphans', on_error => 'reject') ORDER BY 1;

-- a table without a primary key (a SQLAlchemy association table, say) is synced as a multiset
-- of rows: a row is its content, duplicates count, a changed row is a delete and an insert, and
-- PostgreSQL's row to delete is any one copy. Rowids are not used: VACUUM renumbers them.
\set bag_db :abs_builddir '/results/fixtures/sync_bag.db'
\setenv BAG_DB :bag_db
\! rm -f "$BAG_DB"; sqlite3 "$BAG_DB" "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE p_tag (p_id INTEGER REFERENCES p (id), tag TEXT); INSERT INTO p VALUES (1), (2); INSERT INTO p_tag VALUES (1, 'a'), (1, 'a'), (1, 'b'), (2, 'a'), (2, NULL)"
SELECT table_name, rows_copied FROM hangar_migrate(:'bag_db', 'sy_bag', on_error => 'reject') ORDER BY 1;
-- the migration records its state too (the copies of each row counted), so a copy PostgreSQL
-- added before the first sync is refused
INSERT INTO sy_bag.p_tag VALUES (1, 'a');
\set VERBOSITY terse
SELECT * FROM hangar_sync(:'bag_db', 'sy_bag');
\set VERBOSITY default
DELETE FROM sy_bag.p_tag WHERE ctid = (SELECT max(ctid) FROM sy_bag.p_tag);
\! sqlite3 "$BAG_DB" "DELETE FROM p_tag WHERE rowid = 1; UPDATE p_tag SET tag = 'c' WHERE rowid = 3; INSERT INTO p_tag VALUES (2, NULL), (2, NULL); VACUUM"
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, detail FROM hangar_sync(:'bag_db', 'sy_bag') ORDER BY 1;
SELECT * FROM sy_bag.p_tag ORDER BY 1, 2;
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'bag_db', 'sy_bag') ORDER BY 1;
-- a copy PostgreSQL added or removed is refused, naming the row
INSERT INTO sy_bag.p_tag VALUES (2, NULL);
\set VERBOSITY terse
SELECT * FROM hangar_sync(:'bag_db', 'sy_bag');
DELETE FROM sy_bag.p_tag WHERE ctid = (SELECT min(ctid) FROM sy_bag.p_tag WHERE tag IS NULL);
DELETE FROM sy_bag.p_tag WHERE ctid = (SELECT min(ctid) FROM sy_bag.p_tag WHERE tag = 'a');
SELECT * FROM hangar_sync(:'bag_db', 'sy_bag');
\set VERBOSITY default
SELECT table_name, rows_inserted, rows_deleted, verified FROM hangar_sync(:'bag_db', 'sy_bag', overwrite => true) ORDER BY 1;
SELECT * FROM sy_bag.p_tag ORDER BY 1, 2;
-- its rows left without their parent: PostgreSQL's error in stop mode, rejected in reject mode
\! sqlite3 "$BAG_DB" "DELETE FROM p WHERE id = 2; INSERT INTO p_tag VALUES (9, 'z'), (1, 'd')"
\set VERBOSITY terse
SELECT * FROM hangar_sync(:'bag_db', 'sy_bag');
\set VERBOSITY default
SELECT table_name, rows_inserted, rows_deleted, verified, regexp_replace(detail, 'run_id \d+', 'run_id N', 'g') AS detail
FROM hangar_sync(:'bag_db', 'sy_bag', on_error => 'reject') ORDER BY 1;
SELECT * FROM sy_bag.p_tag ORDER BY 1, 2;
SELECT rowid, column_name, raw_value, reason FROM hangar.rejects
WHERE run_id = (SELECT max(run_id) FROM hangar.rejects) ORDER BY 1, 3;
-- its parent back: they arrive
\! sqlite3 "$BAG_DB" "INSERT INTO p VALUES (2), (9)"
SELECT table_name, rows_inserted, rows_deleted, verified, detail FROM hangar_sync(:'bag_db', 'sy_bag', on_error => 'reject') ORDER BY 1;
SELECT table_name, verified FROM hangar_verify(:'bag_db', 'sy_bag') ORDER BY 1;

-- a key SQLite holds as NULL makes the target's key a UNIQUE constraint: that table is synced as
-- a multiset too; and two keys SQLite keeps apart that the target's type makes one (1 and '1' in
-- a column without a type) stop the sync, naming them
\set keys_db :abs_builddir '/results/fixtures/sync_keys.db'
\setenv KEYS_DB :keys_db
\! rm -f "$KEYS_DB"; sqlite3 "$KEYS_DB" "CREATE TABLE nullable (k TEXT PRIMARY KEY, v TEXT); INSERT INTO nullable VALUES ('a', 'x'), (NULL, 'n1'); CREATE TABLE untyped (k PRIMARY KEY, v TEXT); INSERT INTO untyped VALUES (1, 'integer one')"
SELECT table_name, rows_copied, detail FROM hangar_migrate(:'keys_db', 'sy_keys') ORDER BY 1;
\! sqlite3 "$KEYS_DB" "INSERT INTO nullable VALUES (NULL, 'n2'); UPDATE nullable SET v = 'y' WHERE k = 'a'"
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'keys_db', 'sy_keys') ORDER BY 1;
SELECT * FROM sy_keys.nullable ORDER BY 1, 2;
\! sqlite3 "$KEYS_DB" "INSERT INTO untyped VALUES ('1', 'text one')"
SELECT * FROM hangar_sync(:'keys_db', 'sy_keys');
-- in reject mode the later of the two is rejected (as hangar_migrate rejects it) and the rest
-- is synced
\! sqlite3 "$KEYS_DB" "INSERT INTO untyped VALUES (2, 'two')"
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, regexp_replace(detail, 'run_id \d+', 'run_id N') AS detail
FROM hangar_sync(:'keys_db', 'sy_keys', on_error => 'reject') ORDER BY 1;
SELECT table_name, rowid, column_name, raw_value, reason, sqlstate
FROM hangar.rejects WHERE run_id = (SELECT max(run_id) FROM hangar.rejects);
SELECT * FROM sy_keys.untyped ORDER BY k;

-- a column PostgreSQL added after the migration keeps its values: the sync writes only the
-- columns SQLite fills, and a new row gets the column's default
\set added_db :abs_builddir '/results/fixtures/sync_added.db'
\setenv ADDED_DB :added_db
\! rm -f "$ADDED_DB"; sqlite3 "$ADDED_DB" "CREATE TABLE k (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO k VALUES (1, 'a'), (2, 'b')"
SELECT table_name, rows_copied FROM hangar_migrate(:'added_db', 'sy_added');
ALTER TABLE sy_added.k ADD COLUMN note text DEFAULT 'made in PostgreSQL';
UPDATE sy_added.k SET note = 'kept' WHERE id = 2;
\! sqlite3 "$ADDED_DB" "UPDATE k SET v = 'A' WHERE id = 1; UPDATE k SET v = 'B' WHERE id = 2; INSERT INTO k VALUES (3, 'c')"
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'added_db', 'sy_added');
SELECT * FROM sy_added.k ORDER BY id;

DROP SCHEMA sy_reject, sy_values, sy_gen, sy_orphans, sy_bag, sy_keys, sy_added CASCADE;
DELETE FROM hangar.sync_state WHERE target_schema IN ('sy_reject', 'sy_values', 'sy_gen', 'sy_orphans', 'sy_bag', 'sy_keys', 'sy_added');
DELETE FROM hangar.syncs WHERE target_schema IN ('sy_reject', 'sy_values', 'sy_gen', 'sy_orphans', 'sy_bag', 'sy_keys', 'sy_added');
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, detail FROM hangar_sync(:'sync_db', 'sy');

-- the app writes to SQLite
CREATE SERVER sync_w FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'sync_db', updatable 'true');
CREATE SCHEMA sw;
IMPORT FOREIGN SCHEMA main FROM SERVER sync_w INTO sw;
INSERT INTO sw.parent VALUES (4, 'four');
UPDATE sw.parent SET name = 'TWO' WHERE id = 2;
INSERT INTO sw.child (parent_id, v) VALUES (4, 9.5);
DELETE FROM sw.child WHERE parent_id = 3;
DELETE FROM sw.parent WHERE id = 3;
INSERT INTO sw.pair VALUES (3, 'z', 'new');
UPDATE sw.pair SET note = 'changed' WHERE a = 1 AND b = 'y';
DELETE FROM sw.pair WHERE a = 2;

SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, detail FROM hangar_sync(:'sync_db', 'sy');
SELECT * FROM sy.parent ORDER BY id;
SELECT * FROM sy.child ORDER BY id;
SELECT * FROM sy.pair ORDER BY a, b;
-- nothing new: nothing written
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'sync_db', 'sy');
-- a new row in PostgreSQL gets an id after every one SQLite used
INSERT INTO sy.child (parent_id, v) VALUES (1, 0) RETURNING id;

-- a row changed in PostgreSQL since the last sync: refused, nothing synced
UPDATE sy.parent SET name = 'changed in postgres' WHERE id = 1;
UPDATE sw.parent SET name = 'changed in sqlite' WHERE id = 1;
INSERT INTO sw.pair VALUES (4, 'w', NULL);
SELECT * FROM hangar_sync(:'sync_db', 'sy');
SELECT count(*) AS pairs FROM sy.pair;
-- overwrite => true: SQLite's rows win (the child PostgreSQL added is deleted too)
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'sync_db', 'sy', overwrite => true);
SELECT * FROM sy.parent ORDER BY id;
-- a key that needs quoting is named as a row's text form
UPDATE sw.pair SET b = 'x "y"' WHERE a = 1 AND b = 'x';
SELECT count(*) FROM hangar_sync(:'sync_db', 'sy');
UPDATE sy.pair SET note = 'pg' WHERE a = 1 AND b = 'x "y"';
\set VERBOSITY terse
SELECT * FROM hangar_sync(:'sync_db', 'sy');
\set VERBOSITY default
SELECT count(*) FROM hangar_sync(:'sync_db', 'sy', overwrite => true);
SELECT * FROM sy.pair ORDER BY a, b;

-- a value that does not convert: on_error => 'reject' records it and keeps PostgreSQL's row
\! sqlite3 "$SYNC_DB" "UPDATE child SET v = 'not a number' WHERE id = 1; UPDATE parent SET name = 'ONE' WHERE id = 1"
\set VERBOSITY terse
SELECT * FROM hangar_sync(:'sync_db', 'sy');
\set VERBOSITY default
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, regexp_replace(detail, 'run_id \d+', 'run_id N') AS detail
FROM hangar_sync(:'sync_db', 'sy', on_error => 'reject');
SELECT table_name, rowid, column_name, raw_value, reason FROM hangar.rejects WHERE table_name = 'child' ORDER BY run_id DESC LIMIT 1;
SELECT id, v FROM sy.child WHERE id = 1;
SELECT name FROM sy.parent WHERE id = 1;
\! sqlite3 "$SYNC_DB" "UPDATE child SET v = 7.25 WHERE id = 1"
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, detail FROM hangar_sync(:'sync_db', 'sy', on_error => 'reject') WHERE table_name = 'child';
SELECT id, v FROM sy.child WHERE id = 1;

-- a trigger of the user's that changes what the sync writes: the table does not verify
CREATE FUNCTION sy.shout() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := upper(NEW.name); RETURN NEW; END $$;
CREATE TRIGGER shout BEFORE UPDATE ON sy.parent FOR EACH ROW EXECUTE FUNCTION sy.shout();
UPDATE sw.parent SET name = 'four again' WHERE id = 4;
SELECT table_name, rows_updated, verified, detail FROM hangar_sync(:'sync_db', 'sy', overwrite => true) WHERE table_name = 'parent';
DROP TRIGGER shout ON sy.parent;
SELECT count(*) FROM hangar_sync(:'sync_db', 'sy', overwrite => true);

-- a SQLite table whose schema changed since the migration
\! sqlite3 "$SYNC_DB" "ALTER TABLE pair ADD COLUMN extra INTEGER"
SELECT * FROM hangar_sync(:'sync_db', 'sy');
-- a schema the file was never migrated into
\set VERBOSITY terse
SELECT * FROM hangar_sync(:'sync_db', 'never_migrated');
SELECT * FROM hangar_sync(:'sync_db', 'sy', on_error => 'skip');
\set VERBOSITY default

-- a row deleted and its unique value taken by a new row (INSERT OR REPLACE): the writes are
-- done again deleting first, in a schema whose name needs quoting too
SELECT count(*) FROM hangar_migrate(:'caps_db', 'Sync Caps');
\! sqlite3 "$CAPS_DB" "INSERT OR REPLACE INTO tag VALUES (4, 'blue')"
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'caps_db', 'Sync Caps') WHERE table_name = 'tag';
SELECT * FROM "Sync Caps".tag ORDER BY id;

-- a row changed in PostgreSQL between the migration and the first sync is found too
SELECT count(*) FROM hangar_migrate(:'capture_db', 'sy2');
UPDATE sy2.tag SET label = 'green' WHERE id = 1;
\set VERBOSITY terse
SELECT * FROM hangar_sync(:'capture_db', 'sy2');
\set VERBOSITY default
UPDATE sy2.tag SET label = 'red' WHERE id = 1;

-- change capture: the log and triggers in the file; the next sync reads every row once
SELECT * FROM hangar_capture_start(:'capture_db');
\! sqlite3 "$CAPTURE_DB" "SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name"
-- the log is never taken for one of the app's tables
SELECT count(*) AS log_planned FROM hangar_plan(:'capture_db', 'elsewhere') WHERE table_name = 'hangar_capture_log';
CREATE SERVER sync_c FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'capture_db');
CREATE SCHEMA sc;
IMPORT FOREIGN SCHEMA main FROM SERVER sync_c INTO sc;
SELECT foreign_table_name FROM information_schema.foreign_tables WHERE foreign_table_schema = 'sc' ORDER BY 1;
DROP SERVER sync_c CASCADE;
DROP SCHEMA sc;
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, detail FROM hangar_sync(:'capture_db', 'sy2');
\! sqlite3 "$CAPTURE_DB" "INSERT INTO parent VALUES (5, 'five'); UPDATE pair SET note = 'captured' WHERE a = 1 AND b = 'y'; UPDATE pair SET b = 'moved' WHERE a = 2 AND b = 'x'; DELETE FROM child WHERE id = 3; DELETE FROM parent WHERE id = 3; INSERT INTO tag VALUES (3, 'green')"
\! sqlite3 "$CAPTURE_DB" "SELECT tbl, k1, k2 FROM hangar_capture_log ORDER BY seq"
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, detail FROM hangar_sync(:'capture_db', 'sy2');
SELECT * FROM sy2.pair ORDER BY a, b;
SELECT table_name, verified FROM hangar_verify(:'capture_db', 'sy2') ORDER BY table_name;
-- a table without a primary key logs only that it changed: not read while nothing is logged for
-- it, read whole once something is, and read whole too when its row count escaped the log
\! sqlite3 "$CAPTURE_DB" "INSERT INTO loose VALUES (2, 'b'), (2, 'b')"
SELECT table_name, rows_inserted, rows_deleted, verified, detail FROM hangar_sync(:'capture_db', 'sy2') WHERE table_name = 'loose';
\! sqlite3 "$CAPTURE_DB" "INSERT INTO loose VALUES (3, 'c'); DELETE FROM hangar_capture_log WHERE tbl = 'loose'"
SELECT table_name, rows_inserted, rows_deleted, verified, detail FROM hangar_sync(:'capture_db', 'sy2') WHERE table_name = 'loose';
SELECT * FROM sy2.loose ORDER BY 1, 2;
-- the entries applied are deleted by the next sync, before it reads the file
SELECT table_name, rows_inserted, rows_updated, rows_deleted FROM hangar_sync(:'capture_db', 'sy2') WHERE table_name = 'parent';
\! sqlite3 "$CAPTURE_DB" "SELECT count(*) FROM hangar_capture_log"
-- a state a capture sync changed is appended to, not written whole
SELECT table_name, kind, row_count FROM hangar.sync_state WHERE target_schema = 'sy2' AND table_name = 'parent' ORDER BY chunk;
-- INSERT OR REPLACE deletes the row holding the label without a DELETE trigger: the row
-- count shows it, and that table is read in full
\! sqlite3 "$CAPTURE_DB" "INSERT OR REPLACE INTO tag VALUES (4, 'blue')"
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, detail FROM hangar_sync(:'capture_db', 'sy2') WHERE table_name = 'tag';
SELECT * FROM sy2.tag ORDER BY id;
-- a table rebuilt (as Alembic's batch mode does) loses its triggers: read in full
\! sqlite3 "$CAPTURE_DB" "CREATE TABLE tag_new (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE); INSERT INTO tag_new SELECT * FROM tag; DROP TABLE tag; ALTER TABLE tag_new RENAME TO tag; UPDATE tag SET label = 'rebuilt' WHERE id = 2"
\! sqlite3 "$CAPTURE_DB" "SELECT sql FROM sqlite_schema WHERE name = 'tag'"
SELECT table_name, rows_updated, verified, detail FROM hangar_sync(:'capture_db', 'sy2') WHERE table_name IN ('parent', 'tag');
-- hangar_capture_stop leaves nothing of it in the file
SELECT * FROM hangar_capture_stop(:'capture_db');
\! sqlite3 "$CAPTURE_DB" "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'hangar%'"
SELECT table_name, detail FROM hangar_sync(:'capture_db', 'sy2') WHERE table_name = 'parent';
-- starting capture needs pg_write_server_files
CREATE ROLE regress_sync_reader;
GRANT pg_read_server_files TO regress_sync_reader;
GRANT EXECUTE ON FUNCTION hangar_capture_start(text) TO regress_sync_reader;
SET ROLE regress_sync_reader;
SELECT * FROM hangar_capture_start(:'capture_db');
RESET ROLE;
REVOKE EXECUTE ON FUNCTION hangar_capture_start(text) FROM regress_sync_reader;
DROP ROLE regress_sync_reader;
-- a table the app dropped in SQLite since the migration is reported by hangar_sync and
-- hangar_verify, not synced, its PostgreSQL table left as it is
\! sqlite3 "$CAPTURE_DB" "DROP TABLE loose"
SELECT table_name, rows_inserted, verified, detail FROM hangar_sync(:'capture_db', 'sy2') WHERE verified IS NOT TRUE;
SELECT table_name, verified, detail FROM hangar_verify(:'capture_db', 'sy2') WHERE verified IS NOT TRUE;
SELECT count(*) AS loose_rows FROM sy2.loose;

DROP SCHEMA sy, sy2, sw, "Sync Caps" CASCADE;
DROP SERVER sync_w CASCADE;

-- a table empty at the migration has a state too ("no rows"): a row PostgreSQL got since is
-- refused as in any other table, not deleted as a row SQLite dropped, and no sync says there was
-- no state
\set empty_db :abs_builddir '/results/fixtures/sync_empty.db'
\setenv EMPTY_DB :empty_db
\! rm -f "$EMPTY_DB"; sqlite3 "$EMPTY_DB" "CREATE TABLE sessions (key varchar(40) NOT NULL PRIMARY KEY, data text NOT NULL); CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'a')"
SELECT table_name, rows_copied FROM hangar_migrate(:'empty_db', 'sy_empty') ORDER BY 1;
INSERT INTO sy_empty.sessions VALUES ('abc', 'made in PostgreSQL');
SELECT * FROM hangar_sync(:'empty_db', 'sy_empty');
SELECT count(*) AS kept FROM sy_empty.sessions;
SELECT table_name, rows_inserted, rows_deleted, verified, detail FROM hangar_sync(:'empty_db', 'sy_empty', overwrite => true) ORDER BY 1;
SELECT table_name, rows_inserted, rows_deleted, verified, detail FROM hangar_sync(:'empty_db', 'sy_empty') ORDER BY 1;
-- the sync moves rows, not schema: an index the app created, dropped or changed in SQLite since
-- the migration is named in the table's detail (a unique one PostgreSQL lacks would let it take
-- rows SQLite refuses)
\! sqlite3 "$EMPTY_DB" "CREATE INDEX users_name ON users (name); CREATE UNIQUE INDEX users_name_unique ON users (name)"
SELECT table_name, rows_copied FROM hangar_migrate(:'empty_db', 'sy_indexes') WHERE table_name = 'users';
\! sqlite3 "$EMPTY_DB" "DROP INDEX users_name_unique; DROP INDEX users_name; CREATE INDEX users_name ON users (name DESC); CREATE UNIQUE INDEX users_id_name ON users (id, name); INSERT INTO users VALUES (2, 'b')"
SELECT table_name, rows_inserted, verified, detail FROM hangar_sync(:'empty_db', 'sy_indexes') WHERE table_name = 'users';
-- a stored state whose entries do not match its row count stops the sync (data corrupted),
-- naming the table, and changes nothing
INSERT INTO sy_empty.users VALUES (3, 'made in PostgreSQL');
UPDATE hangar.sync_state SET row_count = row_count + 1 WHERE target_schema = 'sy_empty' AND table_name = 'users';
SELECT key_format FROM hangar.sync_state WHERE target_schema = 'sy_empty' AND table_name = 'users';
SELECT * FROM hangar_sync(:'empty_db', 'sy_empty', overwrite => true);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM sy_empty.users ORDER BY id;
DROP SCHEMA sy_empty, sy_indexes CASCADE;

-- without a change log one thread reads every table's SQLite rows in turn, ahead of the
-- comparisons: two syncs in one transaction each read every table; a sync refused at its second
-- table (its reader ahead of it) leaves nothing behind, and the next one works; a column whose
-- conversion may query (a domain's CHECK) makes every table be read on its own
\set turns_db :abs_builddir '/results/fixtures/sync_turns.db'
\setenv TURNS_DB :turns_db
\! rm -f "$TURNS_DB"; sqlite3 "$TURNS_DB" "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE c (id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000) INSERT INTO a SELECT x, 'a' || x FROM n; INSERT INTO b SELECT id, 'b' || id FROM a; INSERT INTO c SELECT id, 'c' || id FROM a"
SELECT table_name, rows_copied FROM hangar_migrate(:'turns_db', 'sy_turns') ORDER BY 1;
\! sqlite3 "$TURNS_DB" "UPDATE a SET v = v || '*' WHERE id % 100 = 0; UPDATE b SET v = v || '*' WHERE id % 100 = 0; DELETE FROM c WHERE id % 1000 = 0"
BEGIN;
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'turns_db', 'sy_turns') ORDER BY 1;
SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified FROM hangar_sync(:'turns_db', 'sy_turns') ORDER BY 1;
COMMIT;
UPDATE sy_turns.b SET v = 'changed in PostgreSQL' WHERE id = 7;
\! sqlite3 "$TURNS_DB" "UPDATE b SET v = 'changed in SQLite' WHERE id = 7; UPDATE c SET v = 'c' WHERE id = 1"
SELECT * FROM hangar_sync(:'turns_db', 'sy_turns');
\echo :LAST_ERROR_SQLSTATE
SELECT table_name, rows_updated, verified FROM hangar_sync(:'turns_db', 'sy_turns', overwrite => true) ORDER BY 1;
CREATE DOMAIN pg_temp.short_text AS text CHECK (length(VALUE) < 30);
ALTER TABLE sy_turns.b ALTER COLUMN v TYPE pg_temp.short_text;
\! sqlite3 "$TURNS_DB" "UPDATE a SET v = 'A' WHERE id = 2; UPDATE b SET v = 'B' WHERE id = 2; UPDATE c SET v = 'C' WHERE id = 2"
SELECT table_name, rows_updated, verified FROM hangar_sync(:'turns_db', 'sy_turns') ORDER BY 1;
SELECT (SELECT v FROM sy_turns.a WHERE id = 2) AS a, (SELECT v FROM sy_turns.b WHERE id = 2) AS b,
       (SELECT v FROM sy_turns.c WHERE id = 2) AS c, (SELECT v FROM sy_turns.b WHERE id = 7) AS b7;
SELECT table_name, verified FROM hangar_verify(:'turns_db', 'sy_turns') ORDER BY 1;
DROP SCHEMA sy_turns CASCADE;
