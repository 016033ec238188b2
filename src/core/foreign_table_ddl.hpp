// CREATE FOREIGN TABLE text for a SQLite table or view, as IMPORT FOREIGN SCHEMA emits it.
#pragma once

#include <string>
#include <vector>

#include "core/table_model.hpp"
#include "core/column_types.hpp"
#include "core/pg_names.hpp"

namespace hangar {

// The statement creates the table under pg_identifier(table.name) in local_schema with one
// column per SQLite column named by pg_column_names (NOT NULL kept) and the table_name /
// column_name options that map back to the SQLite names exactly, whatever shortening, case or
// renaming the PostgreSQL names have.
std::string create_foreign_table_sql(const Table &table, const std::vector<ColumnType> &types,
                                     const std::string &server, const std::string &local_schema,
                                     const PgQuoter &quote);

}  // namespace hangar
