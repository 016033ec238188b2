// Decides the PostgreSQL type of every column of a table: the declared-type table first, then
// for columns without a declared type the storage classes actually stored, then SQLite's
// affinity rules for declared types we do not know (with a notice saying so). Shared by
// IMPORT FOREIGN SCHEMA and the migration, so both create the same types.
#pragma once

#include <string>
#include <vector>

#include "core/table_model.hpp"
#include "core/sqlite_db.hpp"

namespace hangar {

struct ColumnType {
  std::string pg_type;
  std::string notice;  // non-empty when the type was a fallback the user should know about
};

std::vector<ColumnType> resolve_column_types(const Database &db, const Table &table);

}  // namespace hangar
