-- Frameworks: a Django app's file is recognised (django_migrations) and migrated to the schema
-- Django's PostgreSQL backend builds: DateTimeField timestamptz, UUIDField uuid, JSONField jsonb
-- (its JSON_VALID CHECK implied), the unsigned integers signed with their CHECKs,
-- GenericIPAddressField inet, unique_together a UNIQUE constraint, _like pattern indexes, and
-- indexes and foreign keys named as Django names them. framework => 'none' keeps the plain
-- mapping; explicit column_types still win; a bad value is refused.
\getenv abs_builddir PG_ABS_BUILDDIR
\set django_db :abs_builddir '/results/fixtures/django_app.db'
SET client_min_messages = warning;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';

SELECT table_name, rows_copied, verified, detail FROM hangar_migrate(:'django_db', 'dj') ORDER BY table_name NULLS LAST;
SELECT table_name, column_name, data_type FROM information_schema.columns
WHERE table_schema = 'dj' AND table_name IN ('shop_product', 'shop_order') ORDER BY table_name, ordinal_position;
SELECT conrelid::regclass, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE connamespace = 'dj'::regnamespace AND contype IN ('u', 'f', 'c') ORDER BY 1::text, 2;
SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'dj' ORDER BY indexname;
-- the values as Django reads them: aware datetimes, UUIDs, JSON, inet
SELECT id, uid, attributes -> 'nested' ->> 'x' AS x, created, price FROM dj.shop_product ORDER BY id;
SELECT id, placed_at, ip, ip << '10.0.0.0/8'::inet AS private FROM dj.shop_order ORDER BY id;
-- a new row gets an id after every one SQLite used
INSERT INTO dj.shop_order (quantity, placed_at, note, code, product_id) VALUES (1, now(), '', 'NEW', 1) RETURNING id;

-- framework => 'none': the plain mapping (and the unknown unsigned types reported)
SELECT table_name, detail FROM hangar_migrate(:'django_db', 'plain', framework => 'none')
WHERE table_name = 'shop_product' OR table_name IS NULL;
SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = 'plain' AND table_name = 'shop_product' AND column_name IN ('uid', 'attributes', 'created', 'stock');
-- column_types win over the framework's types
SELECT count(*) AS tables FROM hangar_migrate(:'django_db', 'typed', column_types => '{"shop_product.created": "timestamp"}');
SELECT data_type FROM information_schema.columns WHERE table_schema = 'typed' AND table_name = 'shop_product' AND column_name = 'created';
-- forced on a file without django_migrations, and a value that is not a framework
\set app_db :abs_builddir '/results/fixtures/migrate_app.db'
SELECT count(*) FROM hangar_migrate(:'app_db', 'forced', framework => 'django') WHERE detail LIKE 'framework: django%';
SELECT count(*) FROM hangar_migrate(:'django_db', 'bad', framework => 'rails');

-- the JSONField's CHECK calls JSON_VALID, which SQLite 3.40 does not mark innocuous: with
-- trusted_schema off a writable connection could not even load the schema, so change capture and
-- writes through a foreign table failed ("not a valid SQLite database"); now both work, and the
-- CHECK still refuses what is not JSON
\set dj_copy :abs_builddir '/results/fixtures/django_writable.db'
\setenv DJ_DB :django_db
\setenv DJ_COPY :dj_copy
\! cp "$DJ_DB" "$DJ_COPY"
SELECT count(*) AS captured_tables FROM hangar_capture_start(:'dj_copy');
CREATE SERVER dj_w FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'dj_copy', updatable 'true');
CREATE SCHEMA djw;
IMPORT FOREIGN SCHEMA main LIMIT TO (shop_product) FROM SERVER dj_w INTO djw;
UPDATE djw.shop_product SET attributes = '{"colour": "red"}' WHERE id = (SELECT min(id) FROM djw.shop_product);
UPDATE djw.shop_product SET attributes = '{not json' WHERE id = (SELECT min(id) FROM djw.shop_product);
SELECT attributes FROM djw.shop_product WHERE id = (SELECT min(id) FROM djw.shop_product);
\! sqlite3 "$DJ_COPY" "SELECT tbl, count(*) FROM hangar_capture_log GROUP BY tbl"
SELECT count(*) AS captured_tables FROM hangar_capture_stop(:'dj_copy');
DROP SERVER dj_w CASCADE;
DROP SCHEMA djw;
-- and back: hangar_export writes the Django schema into a new file, its JSON_VALID CHECK kept
-- (before, that file's schema could not be written with trusted_schema off, so the rollback of a
-- Django app failed)
\set dj_export :abs_builddir '/results/fixtures/django_exported.db'
\setenv DJ_EXPORT :dj_export
\! rm -f "$DJ_EXPORT"
SELECT table_name, rows_copied, verified FROM hangar_export('dj', :'dj_export') ORDER BY 1;
\! sqlite3 "$DJ_EXPORT" "SELECT name FROM sqlite_schema WHERE sql LIKE '%JSON_VALID%' ORDER BY 1"

DROP SCHEMA dj, plain, typed, forced CASCADE;
