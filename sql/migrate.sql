-- hangar_migrate() moves a SQLite app database in one call: the schema the app's models would
-- have created (types, keys, UNIQUE and CHECK constraints, enums, indexes, foreign keys with
-- their actions, names kept), exact values, sequences past every id SQLite used, verification;
-- hangar_plan() shows the same steps and changes nothing. The SQLite file is never modified.
\getenv abs_builddir PG_ABS_BUILDDIR
\set app_db :abs_builddir '/results/fixtures/migrate_app.db'
SET client_min_messages = warning;
SET datestyle = 'ISO, YMD';

-- the dry run: every statement in order, and nothing created, not even the schema
SELECT step, phase, table_name, statement FROM hangar_plan(:'app_db', 'app') ORDER BY step;
SELECT count(*) AS app_schemas FROM pg_namespace WHERE nspname = 'app';

\! cp "$PG_ABS_BUILDDIR/results/fixtures/migrate_app.db" "$PG_ABS_BUILDDIR/results/fixtures/migrate_app.before"
SELECT table_name, target_table, rows_copied, rows_rejected, verified, detail
FROM hangar_migrate(:'app_db', 'app');
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && cmp -s migrate_app.db migrate_app.before && echo "the SQLite file is unchanged"

-- the schema
\d app.accounts
\d app.posts
\d app.post_tags
\d app.settings
\d app.tags
SELECT enum_range(NULL::app.account_status);
-- NOT NULL shows in \d (PostgreSQL 18 lists it in pg_constraint too, as contype 'n')
SELECT conrelid::regclass AS "table", conname, pg_get_constraintdef(oid)
FROM pg_constraint WHERE connamespace = 'app'::regnamespace AND contype <> 'n'
ORDER BY conrelid::regclass::text, conname;
SELECT indexrelid::regclass AS index, pg_get_indexdef(indexrelid)
FROM pg_index WHERE indrelid::regclass::text LIKE 'app.%' ORDER BY indexrelid::regclass::text;
-- nothing for bookkeeping in the target schema
SELECT relname, relkind FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relkind IN ('r', 'v', 'S') ORDER BY 1;

-- the values, exactly
SELECT id, email, display_name, display_name IS NULL AS name_is_null, status, is_admin, balance, karma,
       rating, born, wakes_at, created_at, profile::text, avatar
FROM app.accounts ORDER BY id;
SELECT * FROM app.posts ORDER BY id;
SELECT * FROM app.post_tags ORDER BY 1, 2;
SELECT * FROM app.settings ORDER BY 1, 2;
SELECT * FROM app.tags ORDER BY 1;
SELECT * FROM app.published_posts ORDER BY id;
SELECT * FROM app.alembic_version;

-- verified again later: counts and content checksums agree
SELECT table_name, target_table, source_rows, target_rows, verified, detail FROM hangar_verify(:'app_db', 'app');

-- inserts without ids continue after every id SQLite used (sqlite_sequence says 5 for posts)
INSERT INTO app.posts (author_id, title, body) VALUES (1, 'New', 'a b c') RETURNING id, word_count, title_upper;
INSERT INTO app.accounts (email) VALUES ('new@example.com')
  RETURNING id, status, is_admin, balance, created_at IS NOT NULL AS has_created_at;
-- and the constraints hold
INSERT INTO app.posts (author_id, title) VALUES (99, 'orphan');  -- ERROR
INSERT INTO app.accounts (email, status) VALUES ('x@example.com', 'unknown');  -- ERROR
INSERT INTO app.posts (author_id, title) VALUES (1, '   ');  -- ERROR
INSERT INTO app.accounts (email) VALUES ('ADA@example.com');  -- ERROR
-- foreign key actions came along: NO ACTION refuses, CASCADE follows
DELETE FROM app.accounts WHERE id = 4;  -- ERROR
DELETE FROM app.settings WHERE account_id = 4;
DELETE FROM app.accounts WHERE id = 4;
SELECT id, author_id FROM app.posts ORDER BY id;
SELECT * FROM app.post_tags ORDER BY 1, 2;

-- hangar_reset_sequences moves every owned sequence past its column's maximum
SELECT setval('app.posts_id_seq', 1);
SELECT * FROM hangar_reset_sequences('app');
SELECT nextval('app.posts_id_seq');
-- every name argument is a name as PostgreSQL takes it: 'MixedCase' is the schema "MixedCase"
SELECT count(*) AS tables FROM hangar_migrate(:'app_db', 'MixedCase') WHERE verified;
SELECT setval('"MixedCase".posts_id_seq', 1);
SELECT sequence_name, next_value FROM hangar_reset_sequences('MixedCase') WHERE table_name LIKE '%posts';
SELECT table_name, verified FROM hangar_verify(:'app_db', 'MixedCase') WHERE table_name = 'posts';
DROP SCHEMA "MixedCase" CASCADE;
