// Row keys for a table without a primary key (bag_keys.cpp), which hangar_sync compares as a
// multiset of rows: a row is its content, and the n-th copy of a content met on one side gets
// the key (content, n). Two sides holding k and m copies of a content then share min(k, m)
// keys, and the rest are the copies to insert or delete. PostgreSQL zone.
#pragma once

#include "migrate/migrate.hpp"

namespace hangar {

// What counting the copies of one content takes at most: a 24-byte slot of a table doubled when
// 70% full, so while it grows its old and new slots take 103 bytes a content; rounded up.
constexpr Size kBagKeysBytesPerContent = 104;

class BagKeys {
 public:
  // Counts copies in a table of its own, in a child of parent (freed with it).
  explicit BagKeys(MemoryContext parent);
  // A BagKeys palloc'd in parent, living as long as it (nothing to destroy).
  static BagKeys *create(MemoryContext parent);
  // The key of the next copy of a row, whose content is its attributes `attnums` (all of the
  // table's columns that are compared).
  RowKey next(TupleDesc desc, const AttrNumber *attnums, int count, const Datum *values, const bool *nulls) {
    return next(row_key(desc, attnums, count, values, nulls));
  }
  // The key of the last copy of the row's content counted, which is uncounted: a copy taken out
  // again.
  RowKey take_back(TupleDesc desc, const AttrNumber *attnums, int count, const Datum *values, const bool *nulls) {
    return take_back(row_key(desc, attnums, count, values, nulls));
  }

 private:
  RowKey next(const RowKey &content);
  RowKey take_back(const RowKey &content);
  struct Copies {
    RowKey content;
    uint64 counted_plus_one;  // 0: a free slot
  };
  void allocate(uint64 capacity);
  Copies *slot(const RowKey &content);  // content's slot, or the free one it would take
  void grow();
  MemoryContext context_;
  Copies *slots_ = nullptr;
  uint64 capacity_ = 0;
  uint64 used_ = 0;
};

}  // namespace hangar
