// SQLite SELECT text for a foreign scan, and the cheap row-count estimate the planner uses.
#pragma once

#include <string>
#include <vector>

#include "core/table_model.hpp"
#include "core/sqlite_db.hpp"

namespace hangar {

// A condition shipped to SQLite: column, comparison operator, and a parameter bound at run time.
struct RemoteCondition {
  std::string column;
  std::string op;  // =, <>, <, <=, >, >=
};

// SELECT "c1", "c2", rowid FROM "t" [WHERE "c" < ?1 AND ...] (rowid only when rowid_name is not
// empty). With no columns and no rowid it selects NULL, so the row count still comes back.
std::string select_sql(const std::string &table, const std::vector<std::string> &columns,
                       const std::string &rowid_name, const std::vector<RemoteCondition> &conditions);

// Rows in the table by sqlite_stat1 when ANALYZE ran, else by its rowid span (O(log n) in
// SQLite), else a default guess (views, WITHOUT ROWID tables).
double estimate_rows(const Database &db, const Table &table);

}  // namespace hangar
