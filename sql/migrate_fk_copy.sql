-- Foreign keys checked during the copy (stop mode): a foreign key of one integer column to its
-- parent's primary key, the parent copied first, is added to the child while it is empty, and
-- every copied row's key is looked up in the parent's keys; everything else is added after the
-- data as before. The constraints are the same either way, and an orphan still stops the
-- migration naming its SQLite rowid.
\getenv abs_builddir PG_ABS_BUILDDIR
\set fk_db :abs_builddir '/results/fixtures/fk_copy.db'
\set orphan_db :abs_builddir '/results/fixtures/fk_orphan.db'
\set norowid_db :abs_builddir '/results/fixtures/fk_orphan_norowid.db'
\set sparse_db :abs_builddir '/results/fixtures/fk_orphan_sparse.db'
SET client_min_messages = warning;

-- the order the steps run in: each parent's primary key right after its copy, the checked
-- foreign keys before their child's copy (which names them), the rest after the indexes
SELECT step, phase, table_name,
       CASE WHEN phase = 'copy' THEN coalesce(substring(statement FROM ', checking (.*) row by row$'), '(no check)')
            ELSE statement END AS statement
FROM hangar_plan(:'fk_db', 'fkc') WHERE phase IN ('copy', 'key', 'foreign key') ORDER BY step;
-- reject mode keeps the old order: every key after every copy, every foreign key after the data
SELECT phase, count(*) AS steps, min(step) AS first, max(step) AS last,
       count(*) FILTER (WHERE statement LIKE '%checking%') AS checking
FROM hangar_plan(:'fk_db', 'fkc', on_error => 'reject') WHERE phase IN ('copy', 'key', 'foreign key')
GROUP BY phase ORDER BY min(step);

-- the migration, and the same file through the old path (reject mode, nothing to reject)
SELECT table_name, rows_copied, rows_rejected, verified, detail FROM hangar_migrate(:'fk_db', 'fkc') ORDER BY table_name;
SELECT table_name, rows_copied, rows_rejected, verified FROM hangar_migrate(:'fk_db', 'fko', on_error => 'reject')
ORDER BY table_name;
SELECT conrelid::regclass AS child, conname, convalidated, pg_get_constraintdef(oid) AS definition
FROM pg_constraint WHERE connamespace = 'fkc'::regnamespace AND contype = 'f' ORDER BY 1, 2;
-- pg_constraint and the RI triggers are the same as the old path made (none differs either way)
CREATE FUNCTION fk_facts(nsp name) RETURNS TABLE (tbl name, conname name, fact text) LANGUAGE sql AS $$
  SELECT c.relname, k.conname,
         concat_ws(' ', k.contype, k.convalidated, k.condeferrable, k.condeferred, k.confupdtype, k.confdeltype,
                   k.confmatchtype, k.conkey::text, k.confkey::text, pg_get_constraintdef(k.oid),
                   (SELECT relname FROM pg_class WHERE oid = k.confrelid), (SELECT relname FROM pg_class WHERE oid = k.conindid),
                   (SELECT string_agg(t.tgrelid::regclass::text || ':' || t.tgfoid::regproc || ':' || t.tgtype, ','
                                      ORDER BY t.tgrelid::regclass::text, t.tgfoid::regproc::text, t.tgtype)
                      FROM pg_trigger t WHERE t.tgconstraint = k.oid))
  FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
  WHERE k.connamespace = nsp::regnamespace
    AND k.contype <> 'n'  -- PostgreSQL 18 lists NOT NULL constraints too; the count is of the others
$$;
SELECT count(*) AS constraints FROM fk_facts('fkc');
SELECT * FROM (SELECT tbl, conname, replace(fact, 'fkc.', 'NSP.') FROM fk_facts('fkc')
               EXCEPT SELECT tbl, conname, replace(fact, 'fko.', 'NSP.') FROM fk_facts('fko')) d
UNION ALL
SELECT * FROM (SELECT tbl, conname, replace(fact, 'fko.', 'NSP.') FROM fk_facts('fko')
               EXCEPT SELECT tbl, conname, replace(fact, 'fkc.', 'NSP.') FROM fk_facts('fkc')) d;
-- the constraints hold and act: no orphan, a new orphan refused, ON DELETE SET NULL applied
SELECT count(*) AS orphans FROM fkc.books b
WHERE (b.author_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fkc.authors a WHERE a.id = b.author_id))
   OR (b.publisher_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fkc.publishers p WHERE p.id = b.publisher_id))
   OR (b.region_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fkc.regions r WHERE r.id = b.region_id));
SELECT * FROM fkc.volumes ORDER BY id;
INSERT INTO fkc.books (id, author_id) VALUES (9999, 3001);  -- ERROR
DELETE FROM fkc.publishers WHERE id = 1000003;
SELECT count(*) AS books_without_publisher FROM fkc.books WHERE publisher_id IS NULL;

-- orphans after 2967 and 5000 valid rows stop the migration as soon as their table is copied
-- (the bad value of a later table is not reached), naming the rowids as the check after the
-- data does
SELECT * FROM hangar_migrate(:'orphan_db', 'stopped');  -- ERROR
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname = 'stopped';
-- with the later table converting, the same error
SELECT * FROM hangar_migrate(:'orphan_db', 'stopped', column_types => '{"late.score": "text"}');  -- ERROR
-- an orphan between two of 20000 sparse keys (a sorted array)
SELECT * FROM hangar_migrate(:'sparse_db', 'stopped');  -- ERROR
-- the keys of a parent that do not fit a quarter of maintenance_work_mem (20000 sparse keys, 1MB)
-- are not kept: its foreign key waits for the data, so the later table's bad value stops it
-- first; with that table converting, PostgreSQL's own check after the data finds the orphan, and
-- the error is the one the check during the copy gave
SET maintenance_work_mem = '1MB';
SELECT * FROM hangar_migrate(:'sparse_db', 'stopped');  -- ERROR
SELECT * FROM hangar_migrate(:'sparse_db', 'stopped', column_types => '{"late.score": "text"}');  -- ERROR
-- 20000 dense keys fit there as a bitmap of 8 kB: checked during the copy
SELECT * FROM hangar_migrate(:'orphan_db', 'stopped');  -- ERROR
RESET maintenance_work_mem;
-- a child without an INTEGER PRIMARY KEY: its orphans are named by the rowids the copy kept
SELECT * FROM hangar_migrate(:'norowid_db', 'stopped');  -- ERROR
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname = 'stopped';
-- reject mode: the orphans are removed and recorded, as before
SELECT table_name, rows_copied, rows_rejected, verified, regexp_replace(detail, 'run_id [0-9]+', 'run_id N') AS detail
FROM hangar_migrate(:'orphan_db', 'kept', on_error => 'reject') ORDER BY table_name;

DROP FUNCTION fk_facts(name);
DROP SCHEMA fkc, fko, kept CASCADE;
