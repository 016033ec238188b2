// Reads the catalog model of a SQLite database through sqlite_schema and PRAGMAs table_list,
// table_xinfo and index_list. sqlite_* internal tables and the shadow tables of virtual tables
// (the FTS and R*Tree modules keep their data in them) are never listed as tables. A table whose
// columns cannot be read (a virtual table whose module this SQLite lacks) is reported in
// `skipped` rather than aborting.
#pragma once

#include <string>
#include <vector>

#include "core/table_model.hpp"
#include "core/sqlite_db.hpp"
#include "core/type_map.hpp"

namespace hangar {

struct SkippedTable {
  std::string name;
  std::string reason;
};

struct SchemaListing {
  std::vector<Table> tables;        // tables and views, in creation order
  std::vector<SkippedTable> skipped;
  std::vector<std::string> shadow;  // shadow tables of virtual tables (never listed as tables)
};

// The shadow tables (of `shadow`) that hold virtual table `table`'s data, "a, b"; "" when none.
std::string shadow_tables_of(const std::string &table, const std::vector<std::string> &shadow);

// Tables and views whose names pass `wanted` (all when wanted is null). A virtual table that
// cannot be read is skipped naming the shadow tables that hold its data.
SchemaListing read_schema(const Database &db, bool (*wanted)(const std::string &name, void *arg) = nullptr,
                          void *arg = nullptr);

// One table or view by exact name; throws Error (FDW_TABLE_NOT_FOUND) when absent.
Table read_table(const Database &db, const std::string &name);

// The columns that lead an index SQLite can search for an equality or a range of a plain column
// value: the first key column of each index that is not partial and compares with BINARY
// (the rowid alias is not listed: the table's own b-tree is its index).
std::vector<std::string> index_leading_columns(const Database &db, const std::string &table);

// Storage classes present in each listed column (one full scan of the table).
std::vector<StorageClasses> scan_storage_classes(const Database &db, const Table &table,
                                                 const std::vector<std::string> &columns);

}  // namespace hangar
