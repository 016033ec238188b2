-- hangar_fdw 0.3 -> 0.4 (ALTER EXTENSION hangar_fdw UPDATE): hangar_sync's state stores the key
-- of a table keyed by one by-value column (an integer, say) by its values, not their hashes, in
-- about half the bytes (hangar.sync_state.key_format). The same definitions are in
-- hangar_fdw--0.4.sql; the update test checks that both give the same objects. Keys stored so far
-- are hashes the new code no longer makes, so the stored state is dropped: the next hangar_sync
-- of each schema reads every row and takes PostgreSQL's rows as they are as its starting point
-- (README, "Cutting over with the app running").
\echo Use "ALTER EXTENSION hangar_fdw UPDATE TO '0.4'" to load this file. \quit

DELETE FROM hangar.sync_state;
UPDATE hangar.syncs SET capture_applied = NULL;
ALTER TABLE hangar.sync_state
  ADD COLUMN key_format text NOT NULL CHECK (key_format IN ('hash', 'value_delta'));
COMMENT ON TABLE hangar.sync_state IS 'per synced table, per row: its key (or a hash of it) and a hash of its content after the last hangar_migrate or hangar_sync';
