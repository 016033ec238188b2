// hangar_sync's per-table comparison of three versions of every row, by row key: the state the
// last migration or sync left (S), the row in PostgreSQL now (P) and the row in SQLite now (Q),
// each as a 64-bit content hash. An open-addressing hash table in a memory context of its own
// (56 bytes a row, at most 70% full), so an error frees it with the context.
#pragma once

#include "migrate/migrate.hpp"

namespace hangar {

struct SyncEntry {
  RowKey key;
  uint64 pg_hash;      // P, when HasPg
  uint64 state_hash;   // S, when HasState
  uint64 sqlite_hash;  // Q, when HasSqlite
  uint64 raw;          // the hash of SQLite's raw values: the state's, then (once seen) SQLite's now
  ItemPointerData tid; // where P is
  uint16 flags;
  // Logged: the key is in the file's change log (capture), so P and Q were read for it.
  // StateSeen: the state's newest entry of the key was read (sync_state.cpp).
  // NewState: SQLite's row is not the stored state (Q != S). NewRaw: nor are its raw values.
  enum : uint16 {
    HasState = 1, HasPg = 2, HasSqlite = 4, Held = 8, Logged = 16, StateSeen = 32, NewState = 64, NewRaw = 128
  };
};

class SyncMap {
 public:
  // expected_rows sizes the table; it grows past it when needed.
  SyncMap(MemoryContext parent, int64 expected_rows);
  ~SyncMap();
  // The entry of key, made (flags 0) when missing.
  SyncEntry *upsert(const RowKey &key);
  SyncEntry *find(const RowKey &key) const;
  // Starts loading key's slot into the cache, for an upsert or find soon after: the slots are
  // far larger than the cache, so each lookup otherwise waits for memory.
  void prefetch(const RowKey &key) const {
    const char *slot = reinterpret_cast<const char *>(&slots_[home(stored(key))]);
    prefetch_line(slot);
    prefetch_line(slot + sizeof(SyncEntry) - 1);  // an entry may straddle two cache lines
  }
  int64 size() const { return used_; }
  // How often an upsert found the table 70% full and doubled it: keys that come in the order of
  // their bits into a table too small for them each probe past all before them meanwhile.
  int times_full() const { return times_full_; }
  // Grows the table to hold `rows` entries at most max_load full. Before keys arrive in the order
  // of their bits (a state read back): into a table too small for them they would all find
  // their first slots in the same few places, each probing past all the others. A lower
  // max_load also makes looking up keys the table lacks (a full state read against the few
  // keys a change log names) stop after fewer slots.
  void reserve(int64 rows, double max_load = 0.7);
  template <typename Visit>
  void for_each(Visit visit) {
    for (uint64 i = 0; i < capacity_; ++i)
      if (occupied(slots_[i])) visit(&slots_[i]);
  }

 private:
  static bool occupied(const SyncEntry &e) { return e.key.hi != 0 || e.key.lo != 0; }
  static RowKey stored(const RowKey &key) { return key.hi == 0 && key.lo == 0 ? RowKey{0, 1} : key; }
  // GCC 12 drops a __builtin_prefetch whose address it computes from these members, so x86 asks
  // for the line itself.
  static void prefetch_line(const char *p) {
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("prefetcht0 %0" : : "m"(*p));
#else
    __builtin_prefetch(p);
#endif
  }
  // A key's first slot, and the slot after i.
  uint64 home(const RowKey &k) const {
    return static_cast<uint64>((static_cast<unsigned __int128>(k.lo) * capacity_) >> 64);
  }
  uint64 next(uint64 i) const { return i + 1 == capacity_ ? 0 : i + 1; }
  void grow(uint64 capacity);
  MemoryContext context_;
  SyncEntry *slots_ = nullptr;
  uint64 capacity_ = 0;
  int64 used_ = 0;
  int times_full_ = 0;
};

}  // namespace hangar
