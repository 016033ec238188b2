// The SQLite rowid of every copied row of a table, for tables whose rows do not carry it in a
// column (no INTEGER PRIMARY KEY): orphan rows found after the copy are named and rejected by
// their own rowid. The copy writes (ctid, rowid) pairs in the order it inserts rows, which is the
// order of their ctids in a new table filled by bulk insertion, into a temporary file (so memory
// stays flat however large the table); a lookup is a binary search over that file.
#include "migrate/migrate.hpp"

extern "C" {
#include "storage/buffile.h"
#include "storage/itemptr.h"
}

namespace hangar {

namespace {

struct Entry {
  ItemPointerData tid;
  uint16 padding;
  int64 rowid;
};
static_assert(sizeof(Entry) == 16, "a rowid map entry is 16 bytes, so an 8 kB block holds whole entries");
constexpr long kEntriesPerBlock = BLCKSZ / sizeof(Entry);

// Positions the file at entry `index`.
void seek_entry(BufFile *file, int64 index) {
  if (BufFileSeekBlock(file, static_cast<long>(index / kEntriesPerBlock)) != 0 ||
      BufFileSeek(file, 0, static_cast<off_t>((index % kEntriesPerBlock) * sizeof(Entry)), SEEK_CUR) != 0)
    ereport(ERROR, (errcode_for_file_access(), errmsg("could not seek in the rowid map of a copied table")));
}

void read_entry(BufFile *file, int64 index, Entry *entry) {
  seek_entry(file, index);
#if PG_VERSION_NUM >= 160000
  BufFileReadExact(file, entry, sizeof(Entry));
#else
  if (BufFileRead(file, entry, sizeof(Entry)) != sizeof(Entry))
    ereport(ERROR, (errcode_for_file_access(), errmsg("could not read the rowid map of a copied table")));
#endif
}

}  // namespace

struct RowidMap {
  BufFile *file;
  int64 entries;
  bool writing;  // positioned at the end for appending
};

RowidMap *rowid_map_create() {
  RowidMap *map = static_cast<RowidMap *>(palloc0(sizeof(RowidMap)));
  map->file = BufFileCreateTemp(false);
  map->writing = true;
  return map;
}

void rowid_map_add(RowidMap *map, ItemPointer tid, int64 rowid) {
  if (!map->writing) {
    seek_entry(map->file, map->entries);
    map->writing = true;
  }
  Entry entry = {};
  ItemPointerCopy(tid, &entry.tid);
  entry.rowid = rowid;
  BufFileWrite(map->file, &entry, sizeof(Entry));
  ++map->entries;
}

void rowid_map_close(RowidMap *map) {
  if (map->file) BufFileClose(map->file);
  map->file = nullptr;
}

bool rowid_map_find(RowidMap *map, ItemPointer tid, int64 *rowid) {
  map->writing = false;
  int64 low = 0, high = map->entries - 1;
  Entry entry;
  while (low <= high) {
    int64 middle = low + (high - low) / 2;
    read_entry(map->file, middle, &entry);
    int32 order = ItemPointerCompare(&entry.tid, tid);
    if (order == 0) {
      *rowid = entry.rowid;
      return true;
    }
    if (order < 0)
      low = middle + 1;
    else
      high = middle - 1;
  }
  return false;
}

}  // namespace hangar
