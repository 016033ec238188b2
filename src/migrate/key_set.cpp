// A parent's integer key values for checking its children's foreign keys during their copy
// (see KeySet in migrate.hpp). Collected in an int64 array that doubles as it fills; finished
// into the smaller of that array, sorted, for binary search, and a bitmap of the values' range
// (dense keys, as SQLite's rowids usually are: 1 bit a value instead of 64). Everything is
// palloc'd in the set's own memory context, and every byte is charged to the migration's
// budget first: a set that would pass it is abandoned, never grown.
#include "migrate/migrate.hpp"

extern "C" {
#include "utils/memutils.h"
}

#include <algorithm>

namespace hangar {

namespace {

constexpr size_t kFirstCapacity = 4096;

// Takes `bytes` from the budget; false when not that much is left.
bool charge(KeySet *set, Size bytes) {
  if (bytes > *set->budget) return false;
  *set->budget -= bytes;
  set->charged += bytes;
  return true;
}

void release(KeySet *set) {
  MemoryContextReset(set->context);
  *set->budget += set->charged;
  set->charged = 0;
  set->values = nullptr;
  set->bits = nullptr;
  set->count = set->capacity = 0;
}

}  // namespace

KeySet *key_set_create(MemoryContext parent, Size *budget) {
  KeySet *set = static_cast<KeySet *>(MemoryContextAllocZero(parent, sizeof(KeySet)));
  set->context = AllocSetContextCreate(parent, "hangar foreign key set", ALLOCSET_DEFAULT_SIZES);
  set->budget = budget;
  set->ascending = true;
  return set;
}

void key_set_reset(KeySet *set) {
  release(set);
  set->ascending = true;
  set->abandoned = false;
  set->finished = false;
}

// Doubles the array (repalloc may briefly hold both copies: both are charged).
void key_set_grow(KeySet *set) {
  size_t capacity = set->capacity ? set->capacity * 2 : kFirstCapacity;
  Size bytes = capacity * sizeof(int64);
  if (!charge(set, bytes)) {
    release(set);
    set->abandoned = true;
    return;
  }
  int64 *values = static_cast<int64 *>(MemoryContextAllocHuge(set->context, bytes));
  if (set->count) memcpy(values, set->values, set->count * sizeof(int64));
  if (set->values) {
    pfree(set->values);
    *set->budget += set->capacity * sizeof(int64);
    set->charged -= set->capacity * sizeof(int64);
  }
  set->values = values;
  set->capacity = capacity;
}

void key_set_finish(KeySet *set) {
  set->finished = true;
  if (set->abandoned || set->count == 0) return;
  if (!set->ascending) std::sort(set->values, set->values + set->count);
  set->low = set->values[0];
  set->high = set->values[set->count - 1];
  // The range in bits, computed without overflow; a bitmap only when it is smaller than the array.
  uint64 range = static_cast<uint64>(set->high) - static_cast<uint64>(set->low);
  if (range / 64 + 1 >= set->count) return;
  Size words = range / 64 + 1;
  Size bytes = words * sizeof(uint64);
  if (!charge(set, bytes)) return;  // the array stays: it fits already
  uint64 *bits = static_cast<uint64 *>(MemoryContextAllocHuge(set->context, bytes));
  memset(bits, 0, bytes);
  for (size_t i = 0; i < set->count; ++i) {
    uint64 offset = static_cast<uint64>(set->values[i]) - static_cast<uint64>(set->low);
    bits[offset / 64] |= uint64{1} << (offset % 64);
  }
  pfree(set->values);
  *set->budget += set->capacity * sizeof(int64);
  set->charged -= set->capacity * sizeof(int64);
  set->values = nullptr;
  set->capacity = 0;
  set->bits = bits;
}

bool key_set_contains(const KeySet *set, int64 value) {
  if (set->count == 0 || value < set->low || value > set->high) return false;
  if (set->bits) {
    uint64 offset = static_cast<uint64>(value) - static_cast<uint64>(set->low);
    return (set->bits[offset / 64] >> (offset % 64)) & 1;
  }
  return std::binary_search(set->values, set->values + set->count, value);
}

void key_set_free(KeySet *set) {
  release(set);
  set->abandoned = true;
}

}  // namespace hangar
