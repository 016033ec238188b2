// SyncMap (sync_map.hpp): linear probing on the key's own bits (already a hash), grown by
// doubling when 70% full. A key's first slot scales its low 64 bits to the capacity (any size,
// not only powers of two, so the table is no larger than its rows need), which also keeps the
// slots in the order of those bits: a state written in slot order is read back nearly
// sequentially. The all-zero key marks an empty slot; a key that hashes to it is stored as
// {0, 1}, a collision with odds of 2^-128.
#include "migrate/sync_map.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>

namespace hangar {

namespace {

// Slots for `rows` entries at most max_load full.
uint64 capacity_for(int64 rows, double max_load = 0.7) {
  return std::max<uint64>(1024, static_cast<uint64>(static_cast<double>(rows) / max_load) + 1);
}

constexpr uintptr_t kHugePage = 2 * 1024 * 1024;

// The slots, zeroed. A large table asks the kernel for 2 MB pages before it first touches them:
// each lookup lands on a random slot, and with 4 kB pages nearly every one also misses the TLB.
SyncEntry *allocate_slots(MemoryContext context, uint64 capacity) {
  size_t bytes = sizeof(SyncEntry) * capacity;
  char *slots = static_cast<char *>(MemoryContextAllocExtended(context, bytes, MCXT_ALLOC_HUGE));
  uintptr_t first = (reinterpret_cast<uintptr_t>(slots) + kHugePage - 1) & ~(kHugePage - 1);
  uintptr_t last = (reinterpret_cast<uintptr_t>(slots) + bytes) & ~(kHugePage - 1);
  if (last > first) (void)madvise(reinterpret_cast<void *>(first), last - first, MADV_HUGEPAGE);  // advice only
  memset(slots, 0, bytes);
  return reinterpret_cast<SyncEntry *>(slots);
}

}  // namespace

SyncMap::SyncMap(MemoryContext parent, int64 expected_rows) {
  context_ = AllocSetContextCreate(parent, "hangar sync map", ALLOCSET_DEFAULT_SIZES);
  capacity_ = capacity_for(expected_rows);
  slots_ = allocate_slots(context_, capacity_);
}

SyncMap::~SyncMap() { MemoryContextDelete(context_); }

SyncEntry *SyncMap::find(const RowKey &key) const {
  RowKey k = stored(key);
  for (uint64 i = home(k);; i = next(i)) {
    SyncEntry *e = &slots_[i];
    if (!occupied(*e)) return nullptr;
    if (e->key == k) return e;
  }
}

SyncEntry *SyncMap::upsert(const RowKey &key) {
  RowKey k = stored(key);
  for (uint64 i = home(k);; i = next(i)) {
    SyncEntry *e = &slots_[i];
    if (e->key == k) return e;
    if (!occupied(*e)) {
      if (static_cast<double>(used_ + 1) > 0.7 * static_cast<double>(capacity_)) {  // a new key, no room
        ++times_full_;
        grow(2 * capacity_);
        return upsert(key);
      }
      e->key = k;
      ++used_;
      return e;
    }
  }
}

void SyncMap::reserve(int64 rows, double max_load) {
  uint64 wanted = capacity_for(rows, max_load);
  if (wanted > capacity_) grow(wanted);
}

void SyncMap::grow(uint64 capacity) {
  SyncEntry *old = slots_;
  uint64 old_capacity = capacity_;
  capacity_ = capacity;
  slots_ = allocate_slots(context_, capacity_);
  for (uint64 j = 0; j < old_capacity; ++j) {
    if (!occupied(old[j])) continue;
    uint64 i = home(old[j].key);
    while (occupied(slots_[i])) i = next(i);
    slots_[i] = old[j];
  }
  pfree(old);
}

}  // namespace hangar
