// SyncMap (sync_map.hpp): linear probing on the key's own bits (already a hash), grown by
// doubling when 70% full. The all-zero key marks an empty slot; a key that hashes to it is
// stored as {0, 1}, a collision with odds of 2^-128.
#include "migrate/sync_map.hpp"

#include <sys/mman.h>

#include <cstring>

namespace hangar {

namespace {

uint64 capacity_for(int64 rows) {
  uint64 capacity = 1024;
  while (static_cast<double>(capacity) * 0.7 < static_cast<double>(rows)) capacity *= 2;
  return capacity;
}

constexpr uintptr_t kHugePage = 2 * 1024 * 1024;

// The slots, zeroed. A large table asks the kernel for 2 MB pages before it first touches them:
// each lookup lands on a random slot, and with 4 kB pages nearly every one also misses the TLB.
SyncEntry *allocate_slots(MemoryContext context, uint64 capacity) {
  size_t bytes = sizeof(SyncEntry) * capacity;
  char *slots = static_cast<char *>(MemoryContextAllocExtended(context, bytes, MCXT_ALLOC_HUGE));
  uintptr_t first = (reinterpret_cast<uintptr_t>(slots) + kHugePage - 1) & ~(kHugePage - 1);
  uintptr_t last = (reinterpret_cast<uintptr_t>(slots) + bytes) & ~(kHugePage - 1);
  if (!getenv("HANGAR_NO_THP") && last > first) (void)madvise(reinterpret_cast<void *>(first), last - first, MADV_HUGEPAGE);  // advice only
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
  for (uint64 i = k.lo & (capacity_ - 1);; i = (i + 1) & (capacity_ - 1)) {
    SyncEntry *e = &slots_[i];
    if (!occupied(*e)) return nullptr;
    if (e->key == k) return e;
  }
}

SyncEntry *SyncMap::upsert(const RowKey &key) {
  if (static_cast<double>(used_ + 1) > 0.7 * static_cast<double>(capacity_)) grow();
  RowKey k = stored(key);
  for (uint64 i = k.lo & (capacity_ - 1);; i = (i + 1) & (capacity_ - 1)) {
    SyncEntry *e = &slots_[i];
    if (e->key == k) return e;
    if (!occupied(*e)) {
      e->key = k;
      ++used_;
      return e;
    }
  }
}

void SyncMap::grow() {
  SyncEntry *old = slots_;
  uint64 old_capacity = capacity_;
  capacity_ *= 2;
  slots_ = allocate_slots(context_, capacity_);
  for (uint64 j = 0; j < old_capacity; ++j) {
    if (!occupied(old[j])) continue;
    uint64 i = old[j].key.lo & (capacity_ - 1);
    while (occupied(slots_[i])) i = (i + 1) & (capacity_ - 1);
    slots_[i] = old[j];
  }
  pfree(old);
}

}  // namespace hangar
