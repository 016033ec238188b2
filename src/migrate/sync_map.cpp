// SyncMap (sync_map.hpp): linear probing on the key's own bits (already a hash), grown by
// doubling when 70% full. The all-zero key marks an empty slot; a key that hashes to it is
// stored as {0, 1}, a collision with odds of 2^-128.
#include "migrate/sync_map.hpp"

namespace hangar {

namespace {

uint64 capacity_for(int64 rows) {
  uint64 capacity = 1024;
  while (static_cast<double>(capacity) * 0.7 < static_cast<double>(rows)) capacity *= 2;
  return capacity;
}

SyncEntry *allocate_slots(MemoryContext context, uint64 capacity) {
  return static_cast<SyncEntry *>(
      MemoryContextAllocExtended(context, sizeof(SyncEntry) * capacity, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO));
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
