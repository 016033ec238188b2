// hangar_sync in reject mode: the rows the sync would leave without their parent, rejected as
// hangar_migrate rejects orphans (sync_orphans.cpp). PostgreSQL zone: call inside pg_guard.
#pragma once

#include "migrate/sync_compare.hpp"

#include <string>
#include <vector>

namespace hangar {

// A table of the schema as the check sees it once compared, before anything is written.
struct OrphanTable {
  std::string sqlite_name;
  std::string target;             // qualified and quoted
  Oid target_relid = InvalidOid;
  // Synced tables only (changes empty otherwise): the temporary tables of the rows to write and
  // the keys to delete, the primary key (quoted columns, and attributes in target and changes),
  // the columns hashed (SQLite column order), the state, and the comparison's figures, which the
  // check adjusts for every row it rejects.
  std::string changes;
  std::string gone;
  Oid changes_relid = InvalidOid;
  std::vector<std::string> keys;  // none: the table is compared as a multiset, gone holds tids
  const AttrNumber *target_keys = nullptr;
  const AttrNumber *changes_keys = nullptr;
  int nkeys = 0;
  const AttrNumber *target_attnums = nullptr;
  const AttrNumber *changes_attnums = nullptr;
  int ncolumns = 0;
  const char *rowid_column = nullptr;  // the INTEGER PRIMARY KEY column (unquoted): names a row by its rowid
  StateTable state{};
  CompareResult *compared = nullptr;
};

// A foreign key between two tables of the schema (indexes into the tables).
struct OrphanForeignKey {
  size_t child = 0;
  size_t parent = 0;
  std::string label;
  std::vector<std::string> child_columns;   // quoted
  std::vector<std::string> child_names;     // the same, unquoted
  std::vector<std::string> parent_columns;  // quoted
  std::vector<std::string> child_sqlite_columns;
  int64 rejected = 0;                       // out: the child's rows it rejected
};

// Rejects, until none is left (a rejected row may leave its own children without a parent), every
// row a synced child would hold after the writes whose foreign key matches no row its parent
// would hold: a row to write is left out (the target keeps its version, if that has a parent),
// a row the target keeps is deleted. Each is recorded in hangar.rejects under run_id; the
// comparison's checksums and counts and the state follow.
void reject_sync_orphans(std::vector<OrphanTable> *tables, std::vector<OrphanForeignKey> *keys, int64 run_id);

}  // namespace hangar
