-- hangar_verify() notices any difference between a SQLite file and the migrated tables: one
-- changed value, a deleted or added row, and rows added to SQLite since the migration.
\getenv abs_builddir PG_ABS_BUILDDIR
\set app_db :abs_builddir '/results/fixtures/migrate_app.db'
\set copy_db :abs_builddir '/results/fixtures/verify_copy.db'
SET client_min_messages = warning;
\! cp "$PG_ABS_BUILDDIR/results/fixtures/migrate_app.db" "$PG_ABS_BUILDDIR/results/fixtures/verify_copy.db"

SELECT count(*) FILTER (WHERE verified) AS verified, count(*) AS tables
FROM hangar_migrate(:'copy_db', 'checked') WHERE rows_copied IS NOT NULL;
SELECT bool_and(verified) AS all_verified FROM hangar_verify(:'copy_db', 'checked');

-- one changed value
UPDATE checked.accounts SET balance = balance + 0.01 WHERE id = 1;
SELECT table_name, source_rows, target_rows, verified, detail FROM hangar_verify(:'copy_db', 'checked') WHERE NOT verified;
UPDATE checked.accounts SET balance = balance - 0.01 WHERE id = 1;
-- a one-character change in a JSON document
UPDATE checked.accounts SET profile = '{"theme": "Dark", "tags": ["a", "b"]}' WHERE id = 1;
SELECT table_name, verified, detail FROM hangar_verify(:'copy_db', 'checked') WHERE NOT verified;
UPDATE checked.accounts SET profile = '{"theme": "dark", "tags": ["a", "b"]}' WHERE id = 1;
SELECT bool_and(verified) AS all_verified_again FROM hangar_verify(:'copy_db', 'checked');
-- a deleted row
DELETE FROM checked.settings WHERE account_id = 4;
SELECT table_name, source_rows, target_rows, verified, detail FROM hangar_verify(:'copy_db', 'checked') WHERE NOT verified;
-- SQLite changed after the migration
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && sqlite3 verify_copy.db "INSERT INTO tags VALUES ('later', NULL);"
SELECT table_name, source_rows, target_rows, verified, detail FROM hangar_verify(:'copy_db', 'checked') WHERE NOT verified ORDER BY 1;
-- a missing target table
DROP TABLE checked.odd_rules;
SELECT table_name, verified, detail FROM hangar_verify(:'copy_db', 'checked') WHERE NOT verified ORDER BY 1;

-- views as hangar_migrate left them: one that does not translate is not verified either way
-- (NULL, with the migration's reason); one whose rows differed was dropped, and a view over it
-- is reported as reading it
\set views_db :abs_builddir '/results/fixtures/verify_views.db'
\setenv VIEWS_DB :views_db
\! rm -f "$VIEWS_DB"; sqlite3 "$VIEWS_DB" "CREATE TABLE p (a NUMERIC); INSERT INTO p VALUES (0.1), (0.2); CREATE VIEW summed AS SELECT sum(a) AS s FROM p; CREATE VIEW over_summed AS SELECT s FROM summed; CREATE VIEW typed AS SELECT typeof(a) AS t FROM p; CREATE VIEW plain AS SELECT a FROM p"
SELECT table_name, verified, detail FROM hangar_migrate(:'views_db', 'views_checked') ORDER BY 1;
SELECT table_name, verified, detail FROM hangar_verify(:'views_db', 'views_checked') ORDER BY 1;
