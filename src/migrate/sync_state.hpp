// hangar.sync_state and hangar.syncs (sync_state.cpp): the per-row state hangar_migrate and
// hangar_sync leave for the next hangar_sync, and the per-schema record of the last sync.
// PostgreSQL zone: call inside pg_guard.
#pragma once

#include "migrate/sync_map.hpp"

namespace hangar {

struct StateTable {
  const char *source_path;
  const char *schema;
  const char *table;  // the target table's PostgreSQL name
};

// A table's state is its rows as one migration or sync wrote them whole ("rows" chunks), then
// what later syncs with change capture changed ("changed" chunks: key and new hash) and deleted
// ("deleted" chunks: key), in chunk order; the newest entry of a key is its state.
struct StateSummary {
  bool found = false;      // the table has a state
  int64 rows = 0;          // keys in the state
  uint64 sum = 0;          // sum of their hashes
  int64 stored_rows = 0;   // entries stored, all kinds (what a rewrite would shrink)
  int next_chunk = 0;
};
// Stops unless hangar.sync_state is the one this library writes (its extension's SQL objects were
// updated, ALTER EXTENSION hangar_fdw UPDATE, after a new library was installed).
void require_current_state_tables();
// How much of the table's state is stored (found, stored_rows, next_chunk; nothing read yet).
StateSummary sync_state_size(const StateTable &table);
// Reads the table's state: every key into map when all_keys, else only the keys map already
// holds (the rest are counted and summed); those get HasState and their hash. StateSeen marks
// the keys a newer entry decided.
StateSummary load_sync_state(const StateTable &table, SyncMap *map, bool all_keys);

// Writes a table's state: Replace drops what is stored and writes the rows added ("rows"),
// Append adds changed and deleted keys after what is stored. Chunks are written as they fill.
// Replace writes one chunk even for no rows: an empty table's state is "no rows", not none (a
// table without state takes PostgreSQL's rows as the last sync left them).
class StateWriter {
 public:
  enum Mode { Replace, Append };
  StateWriter(const StateTable &table, Mode mode, int next_chunk = 0);
  // a row (Replace) or a changed row (Append): its content hash and the hash of the raw SQLite
  // values it came from (0: unknown)
  void add(const RowKey &key, uint64 hash, uint64 raw);
  void remove(const RowKey &key);            // Append: a deleted row
  void finish();
  // The time spent writing chunks so far, in seconds.
  double seconds_writing() const { return seconds_writing_; }

 private:
  struct Buffer {
    const char *kind;
    bytea *data = nullptr;
    int rows = 0;
    int capacity = 0;
  };
  void put(Buffer *buffer, const RowKey &key, uint64 hash, uint64 raw);
  void flush(Buffer *buffer, bool even_empty = false);
  StateTable table_;
  Buffer rows_;
  Buffer deleted_;
  int chunk_;
  double seconds_writing_ = 0;
  MemoryContext context_;  // where the buffers live: a writer may be fed from a per-row context
};

// rel's primary key index; InvalidOid when it has none.
Oid primary_key_index(Relation rel);
// The attributes of rel's primary key in key order (palloc'd), or nullptr when it has none.
AttrNumber *primary_key_attnums(Relation rel, int *nkeys);
// table_checksum, also recording each row as the table's state: the state a migration leaves for
// the first hangar_sync. A table without a primary key only when count_copies: each row is keyed
// by its content and copy number (bag_keys.hpp), which counts the copies in memory.
TableChecksum checksum_recording_state(Relation rel, const AttrNumber *attnums, int count, const StateTable &table,
                                       bool count_copies);

// Drops every table's state of a file in a schema, and its record of syncs (a new migration).
void forget_sync_state(const char *source_path, const char *schema);
// Forgets which change-log entries the syncs of a file applied, in every schema: the next sync
// of each reads every row (capture started or stopped).
void forget_capture_applied(const char *source_path);
// The last change-log entry (hangar_capture_start) that the migration or a committed sync
// applied into the schema; -1 when none has been since capture started (or it is off), so the
// next sync reads every row.
int64 capture_applied(const char *source_path, const char *schema);
// Records a sync now, and the change-log entries it applied (-1: none, capture is off).
void record_sync(const char *source_path, const char *schema, int64 applied);

}  // namespace hangar
