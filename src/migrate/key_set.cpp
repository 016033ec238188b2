// A parent's integer key values for checking its children's foreign keys during their copy
// (see KeySet in migrate.hpp). Collected into a bitmap while they ascend densely, else into an
// int64 array that doubles as it fills; finished into the smaller of a sorted array (binary
// search) and a bitmap of the values' range. Everything is palloc'd in the set's own memory
// context, and every byte is charged to the migration's budget first: a set that would pass it
// is abandoned, never grown.
#include "migrate/migrate.hpp"

extern "C" {
#include "utils/memutils.h"
}

#include <algorithm>

namespace hangar {

namespace {

constexpr size_t kFirstCapacity = 4096;  // values, when the array form starts
constexpr size_t kFirstWords = 1024;     // 65536 possible values, when the bitmap starts
// The bitmap may be this many words larger than an array of the values before it turns into one.
constexpr size_t kBitmapSlackWords = 1024;

// Takes `bytes` from the budget; false when not that much is left.
bool charge(KeySet *set, Size bytes) {
  if (bytes > *set->budget) return false;
  *set->budget -= bytes;
  set->charged += bytes;
  return true;
}

void uncharge(KeySet *set, Size bytes) {
  *set->budget += bytes;
  set->charged -= bytes;
}

void release(KeySet *set) {
  MemoryContextReset(set->context);
  *set->budget += set->charged;
  set->charged = 0;
  set->values = nullptr;
  set->bits = nullptr;
  set->count = set->capacity = set->words = 0;
}

void abandon(KeySet *set) {
  release(set);
  set->abandoned = true;
}

// A zeroed bitmap of `words` words, or nullptr when the budget has not that much left.
uint64 *charged_bits(KeySet *set, size_t words) {
  if (!charge(set, words * sizeof(uint64))) return nullptr;
  uint64 *bits = static_cast<uint64 *>(MemoryContextAllocHuge(set->context, words * sizeof(uint64)));
  memset(bits, 0, words * sizeof(uint64));
  return bits;
}

// The same, the set abandoned past the budget.
uint64 *new_bits(KeySet *set, size_t words) {
  uint64 *bits = charged_bits(set, words);
  if (!bits) abandon(set);
  return bits;
}

// Replaces the array by one of `capacity` values (the old one's values kept).
bool grow_array(KeySet *set, size_t capacity) {
  if (!charge(set, capacity * sizeof(int64))) {
    abandon(set);
    return false;
  }
  int64 *values = static_cast<int64 *>(MemoryContextAllocHuge(set->context, capacity * sizeof(int64)));
  if (set->values) {
    memcpy(values, set->values, set->count * sizeof(int64));
    pfree(set->values);
    uncharge(set, set->capacity * sizeof(int64));
  }
  set->values = values;
  set->capacity = capacity;
  return true;
}

// The bitmap's values, ascending, into an array with room for more.
void bitmap_to_array(KeySet *set) {
  uint64 *bits = set->bits;
  size_t words = set->words;
  set->bits = nullptr;
  set->words = 0;
  if (!grow_array(set, std::max(kFirstCapacity, set->count * 2))) return;
  size_t n = 0;
  for (size_t w = 0; w < words; ++w)
    for (uint64 word = bits[w]; word; word &= word - 1)
      set->values[n++] = static_cast<int64>(static_cast<uint64>(set->low) + 64 * w + __builtin_ctzll(word));
  set->count = n;
  set->ascending = true;
  pfree(bits);
  uncharge(set, words * sizeof(uint64));
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

void key_set_add_slow(KeySet *set, int64 value) {
  if (set->abandoned) return;
  if (!set->bits && !set->values) {  // the first value starts a bitmap
    if (!(set->bits = new_bits(set, kFirstWords))) return;
    set->words = kFirstWords;
    set->low = set->high = value;
    key_set_add(set, value);
    return;
  }
  if (set->bits) {
    // Below the bitmap, or so far above it that the bitmap would outgrow an array: an array.
    uint64 needed = value < set->low ? 0 : (static_cast<uint64>(value) - static_cast<uint64>(set->low)) / 64 + 1;
    if (needed == 0 || needed > set->count + kBitmapSlackWords) {
      bitmap_to_array(set);
      if (!set->abandoned) key_set_add(set, value);
      return;
    }
    size_t words = std::max<size_t>(needed, set->words * 2);
    uint64 *bits = new_bits(set, words);
    if (!bits) return;
    memcpy(bits, set->bits, set->words * sizeof(uint64));
    pfree(set->bits);
    uncharge(set, set->words * sizeof(uint64));
    set->bits = bits;
    set->words = words;
    key_set_add(set, value);
    return;
  }
  if (!grow_array(set, set->capacity * 2)) return;  // the array is full
  key_set_add(set, value);
}

void key_set_finish(KeySet *set) {
  set->finished = true;
  if (set->abandoned || set->count == 0 || set->bits) return;
  if (!set->ascending) std::sort(set->values, set->values + set->count);
  set->low = set->values[0];
  set->high = set->values[set->count - 1];
  // The range in bits, computed without overflow; a bitmap only when it is smaller than the array.
  uint64 range = static_cast<uint64>(set->high) - static_cast<uint64>(set->low);
  if (range / 64 + 1 >= set->count) return;
  size_t words = range / 64 + 1;
  uint64 *bits = charged_bits(set, words);
  if (!bits) return;  // the array stays: it fits already
  for (size_t i = 0; i < set->count; ++i) {
    uint64 offset = static_cast<uint64>(set->values[i]) - static_cast<uint64>(set->low);
    bits[offset / 64] |= uint64{1} << (offset % 64);
  }
  pfree(set->values);
  uncharge(set, set->capacity * sizeof(int64));
  set->values = nullptr;
  set->capacity = 0;
  set->bits = bits;
  set->words = words;
}

bool key_set_contains(const KeySet *set, int64 value) {
  if (set->count == 0 || value < set->low || value > set->high) return false;
  if (set->bits) {
    uint64 offset = static_cast<uint64>(value) - static_cast<uint64>(set->low);
    return (set->bits[offset / 64] >> (offset % 64)) & 1;
  }
  return std::binary_search(set->values, set->values + set->count, value);
}

void key_set_free(KeySet *set) { abandon(set); }

}  // namespace hangar
