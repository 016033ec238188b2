-- Scans: only the needed columns are fetched (EXPLAIN VERBOSE shows the SQLite query), integer
-- comparisons on the rowid alias run in SQLite and all other quals in PostgreSQL, joins, rescans,
-- cursors, prepared statements and whole-row references.
SET search_path = sqlite_app, public;

EXPLAIN (VERBOSE, COSTS OFF) SELECT email FROM users WHERE id < 10;
SELECT email FROM users WHERE id < 10 ORDER BY id;
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM users;
SELECT count(*) FROM users;
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM kv;
SELECT count(*) FROM kv;
EXPLAIN (VERBOSE, COSTS OFF) SELECT u FROM users u WHERE u.is_admin;
SELECT u FROM users u WHERE u.is_admin ORDER BY u.id;

-- what is shipped: integer comparisons with the INTEGER PRIMARY KEY (the rowid alias)
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM users WHERE id >= 2 AND 10 > id;
SELECT id FROM users WHERE id >= 2 AND 10 > id ORDER BY id;
SELECT id FROM users WHERE id = 11;
SELECT id FROM users WHERE id <> 1 ORDER BY id;
SELECT id FROM users WHERE id = 5000000000;
SELECT id FROM users WHERE id < NULL::int;
-- text equality and IN lists go to SQLite too (the pushdown test has the rest); non-integer
-- values and expressions over the column do not
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM users WHERE email = 'ada@example.com';
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM users WHERE id = 1.0;
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM users WHERE id IN (1, 2);
EXPLAIN (VERBOSE, COSTS OFF) SELECT id FROM users WHERE id + 1 = 2;
EXPLAIN (VERBOSE, COSTS OFF) SELECT k FROM kv WHERE k = 'a';
SELECT id FROM users WHERE id = 1.0;
SELECT id FROM users WHERE id IN (1, 2) ORDER BY id;

-- a join of two foreign tables and a local table
CREATE TEMP TABLE tiers (admin boolean, tier text);
INSERT INTO tiers VALUES (true, 'gold'), (false, 'basic');
SELECT u.email, i.title, i.price, t.tier
FROM users u JOIN items i ON i.owner_id = u.id JOIN tiers t ON t.admin = u.is_admin
ORDER BY i.id;

-- rescans: a nested loop with the foreign table on the inner side, parameterized by the outer
-- row's id (SQLite reads the matching rows by rowid on each rescan); the condition SQLite cannot
-- evaluate keeps the join itself in PostgreSQL
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_material = off;
EXPLAIN (COSTS OFF) SELECT u.id, i.id FROM users u JOIN items i ON i.owner_id = u.id WHERE i.id::text <> '';
SELECT u.id, i.id FROM users u JOIN items i ON i.owner_id = u.id WHERE i.id::text <> '' ORDER BY 1, 2;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_material;

-- a cursor that stops early, then the same table read again in the same transaction
BEGIN;
DECLARE c CURSOR FOR SELECT id, email FROM users ORDER BY id;
FETCH 2 FROM c;
CLOSE c;
SELECT count(*) FROM users;
COMMIT;

-- a prepared statement keeps working across executions, its parameter bound in SQLite
PREPARE by_owner(int) AS SELECT title FROM items WHERE owner_id = $1 ORDER BY id;
EXECUTE by_owner(1);
EXECUTE by_owner(2);
EXECUTE by_owner(3);
DEALLOCATE by_owner;
PREPARE by_id(bigint) AS SELECT id, email FROM users WHERE id = $1;
EXPLAIN (VERBOSE, COSTS OFF) EXECUTE by_id(1);
EXECUTE by_id(1);
EXECUTE by_id(11);
EXECUTE by_id(NULL);
DEALLOCATE by_id;
RESET search_path;
