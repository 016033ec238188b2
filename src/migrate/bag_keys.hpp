// Row keys for a table without a primary key (bag_keys.cpp), which hangar_sync compares as a
// multiset of rows: a row is its content, and the n-th copy of a content met on one side gets
// the key (content, n). Two sides holding k and m copies of a content then share min(k, m)
// keys, and the rest are the copies to insert or delete. PostgreSQL zone.
#pragma once

#include "migrate/migrate.hpp"

extern "C" {
#include "utils/hsearch.h"
}

namespace hangar {

class BagKeys {
 public:
  // Counts copies in a hash table of its own, in a child of parent (freed with it).
  explicit BagKeys(MemoryContext parent);
  // The key of the next copy of a row whose content key (row_key over all its columns) is content.
  RowKey next(const RowKey &content);
  // The key of the last copy counted, which is uncounted: a copy taken out again.
  RowKey take_back(const RowKey &content);

 private:
  HTAB *copies_;
};

}  // namespace hangar
