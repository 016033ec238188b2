-- pgTAP: a migration's catalog (tables, keys, foreign keys, indexes, enum types, sequences) and
-- its data, compared row for row with what the foreign-data wrapper reads from the same file.
\set ON_ERROR_STOP 1
\getenv fixtures HANGAR_FIXTURES
\set app_db :fixtures '/migrate_app.db'
\set bad_db :fixtures '/migrate_bad.db'
SET client_min_messages = warning;
BEGIN;
SELECT plan(30);

SELECT lives_ok(format('SELECT * FROM hangar_migrate(%L, %L)', :'app_db', 'tap_app'), 'the migration runs');
SELECT tables_are('tap_app', ARRAY['accounts', 'posts', 'tags', 'post_tags', 'settings', 'odd_rules',
  'a_table_name_that_is_much_longer_than_postgresql_allow_6ed2f711', 'alembic_version'], 'every table, no internals');
SELECT views_are('tap_app', ARRAY['published_posts'], 'the view');
SELECT enums_are('tap_app', ARRAY['account_status'], 'the Enum CHECK became an enum type');
SELECT enum_has_labels('tap_app', 'account_status', ARRAY['active', 'banned', 'deleted'], 'with its labels in order');
SELECT col_type_is('tap_app', 'accounts', 'status', 'tap_app', 'account_status', 'the column uses it');
SELECT col_is_pk('tap_app', 'accounts', 'id', 'INTEGER PRIMARY KEY is the primary key');
SELECT col_default_is('tap_app', 'accounts', 'id', 'nextval(''tap_app.accounts_id_seq''::regclass)', 'with an owned sequence as default');
SELECT sequence_owner_is('tap_app', 'accounts_id_seq', current_user, 'the sequence exists');
SELECT col_is_pk('tap_app', 'post_tags', ARRAY['post_id', 'tag_name'], 'composite primary key');
SELECT col_is_unique('tap_app', 'accounts', 'email', 'UNIQUE stays a constraint');
SELECT has_index('tap_app', 'accounts', 'ix_accounts_lower_email', 'the expression index keeps its name');
SELECT index_is_unique('tap_app', 'accounts', 'ix_accounts_lower_email', 'and its uniqueness');
SELECT has_index('tap_app', 'accounts', 'ix_accounts_active_karma', 'the partial index keeps its name');
SELECT fk_ok('tap_app', 'posts', 'author_id', 'tap_app', 'accounts', 'id', 'an unnamed foreign key');
SELECT fk_ok('tap_app', 'post_tags', 'post_id', 'tap_app', 'posts', 'id', 'a named deferrable foreign key');
SELECT is((SELECT condeferrable AND condeferred FROM pg_constraint WHERE conname = 'fk_post_tags_post'
           AND connamespace = 'tap_app'::regnamespace), true, 'DEFERRABLE INITIALLY DEFERRED is kept');
SELECT is((SELECT confdeltype::text || confupdtype::text FROM pg_constraint
           WHERE conrelid = 'tap_app.post_tags'::regclass AND contype = 'f' AND conkey = ARRAY[2]::int2[]), 'dc',
          'ON DELETE SET DEFAULT ON UPDATE CASCADE are kept');
SELECT has_check('tap_app', 'posts', 'the CHECK constraint');
SELECT is((SELECT attgenerated::text FROM pg_attribute WHERE attrelid = 'tap_app.posts'::regclass AND attname = 'word_count'),
          's', 'a generated column stays generated');
SELECT is(nextval('tap_app.posts_id_seq'), 6::bigint, 'the posts sequence continues after sqlite_sequence (5)');

-- the data equals what the foreign-data wrapper reads from the same file
CREATE SERVER tap_source FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'app_db');
CREATE SCHEMA tap_source;
IMPORT FOREIGN SCHEMA main FROM SERVER tap_source INTO tap_source;
SELECT results_eq('SELECT id, email, display_name, status::text, is_admin, balance, karma, rating, born, wakes_at,
                          created_at, profile::text, avatar FROM tap_app.accounts ORDER BY id',
                  'SELECT id, email::varchar, display_name, status::text, is_admin, balance, karma, rating, born,
                          wakes_at, created_at, profile::text, avatar FROM tap_source.accounts ORDER BY id',
                  'accounts: migrated rows equal the foreign scan');
SELECT results_eq('SELECT * FROM tap_app.posts ORDER BY id', 'SELECT * FROM tap_source.posts ORDER BY id',
                  'posts, generated columns included');
SELECT results_eq('SELECT * FROM tap_app.post_tags ORDER BY 1, 2', 'SELECT * FROM tap_source.post_tags ORDER BY 1, 2',
                  'post_tags');
SELECT results_eq('SELECT * FROM tap_app.settings ORDER BY 1, 2', 'SELECT * FROM tap_source.settings ORDER BY 1, 2',
                  'settings (rebuilt by batch mode, a column added later)');
SELECT results_eq('SELECT count(*) FROM hangar_verify(' || quote_literal(:'app_db') || ', ''tap_app'') WHERE verified',
                  'SELECT 9::bigint', 'hangar_verify agrees, the view included');

-- stop and reject
SELECT throws_ok(format('SELECT * FROM hangar_migrate(%L, %L)', :'bad_db', 'tap_bad'), '22P02', NULL,
                 'a value that does not convert stops the migration');
SELECT hasnt_schema('tap_bad', 'and leaves nothing behind');
SELECT results_eq(format('SELECT table_name, rows_copied, rows_rejected FROM hangar_migrate(%L, %L, on_error => %L)
                          WHERE rows_rejected > 0', :'bad_db', 'tap_kept', 'reject'),
                  $$VALUES ('owners', 2::bigint, 1::bigint), ('pets', 2, 2), ('visits', 1, 2), ('nodes', 2, 3),
                           ('pet_tags', 1, 3)$$,
                  'reject mode counts what it left out');
SELECT is((SELECT count(*) FROM hangar.rejects WHERE run_id = (SELECT max(run_id) FROM hangar.rejects)), 11::bigint,
          'and records every rejected row');

SELECT * FROM finish();
ROLLBACK;
