// Decides the PostgreSQL type of every column of a table: the declared-type table first, then
// for columns without a declared type (or STRICT's ANY) the storage classes actually stored,
// then for declared types we do not know SQLite's affinity rules, unless the values stored need
// another type (with a notice saying which). Shared by IMPORT FOREIGN SCHEMA and the migration,
// so both create the same types.
#pragma once

#include <string>
#include <vector>

#include "core/table_model.hpp"
#include "core/sqlite_db.hpp"

namespace hangar {

struct ColumnType {
  std::string pg_type;
  std::string notice;  // non-empty when the type was a fallback the user should know about
  bool from_values = false;  // chosen from the storage classes of the values stored
  bool no_values = false;    // and there were none but NULLs (the type says nothing)
};

std::vector<ColumnType> resolve_column_types(const Database &db, const Table &table);

// The note on a column of `table` whose type its declared type did not decide: 'column "c" of
// SQLite table "t" has no declared type; mapped to <mapped>' ('has type "D"' when it has one).
std::string chosen_type_note(const Table &table, const Column &column, const std::string &mapped);

}  // namespace hangar
