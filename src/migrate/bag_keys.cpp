// BagKeys (bag_keys.hpp): content key -> copies counted, in an open-addressing table of its own
// (linear probing on the key's own bits, which are already a hash; doubled when 70% full). The
// n-th copy's key is the content key with n folded into both halves, and the first copy's is the
// content key itself.
#include "migrate/bag_keys.hpp"

#include <new>

#include "core/hash64.hpp"

namespace hangar {

namespace {

RowKey copy_key(const RowKey &content, uint64 n) {
  if (n == 0) return content;
  return {hash64_combine(content.hi, n), hash64_combine(content.lo, ~n)};
}

constexpr uint64 kInitialSlots = 1024;

}  // namespace

BagKeys::BagKeys(MemoryContext parent) {
  context_ = AllocSetContextCreate(parent, "hangar bag keys", ALLOCSET_DEFAULT_SIZES);
  allocate(kInitialSlots);
}

BagKeys *BagKeys::create(MemoryContext parent) {
  return new (MemoryContextAlloc(parent, sizeof(BagKeys))) BagKeys(parent);
}

void BagKeys::allocate(uint64 capacity) {
  capacity_ = capacity;
  Size bytes = sizeof(Copies) * capacity;
  slots_ = static_cast<Copies *>(MemoryContextAllocExtended(context_, bytes, MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO));
}

BagKeys::Copies *BagKeys::slot(const RowKey &content) {
  uint64 i = static_cast<uint64>((static_cast<unsigned __int128>(content.lo) * capacity_) >> 64);
  while (slots_[i].counted_plus_one != 0 && !(slots_[i].content == content)) i = i + 1 == capacity_ ? 0 : i + 1;
  return &slots_[i];
}

RowKey BagKeys::next(const RowKey &content) {
  Copies *c = slot(content);
  if (c->counted_plus_one == 0) {
    if (static_cast<double>(used_ + 1) > 0.7 * static_cast<double>(capacity_)) {
      grow();
      return next(content);
    }
    c->content = content;
    c->counted_plus_one = 1;
    ++used_;
  }
  return copy_key(content, c->counted_plus_one++ - 1);
}

RowKey BagKeys::take_back(const RowKey &content) {
  Copies *c = slot(content);
  if (c->counted_plus_one <= 1) elog(ERROR, "hangar_sync took back a row it had not counted");
  return copy_key(content, --c->counted_plus_one - 1);  // the slot stays taken, with 0 copies
}

void BagKeys::grow() {
  Copies *old = slots_;
  uint64 old_capacity = capacity_;
  allocate(2 * old_capacity);
  for (uint64 i = 0; i < old_capacity; ++i)
    if (old[i].counted_plus_one != 0) *slot(old[i].content) = old[i];
  pfree(old);
}

}  // namespace hangar
