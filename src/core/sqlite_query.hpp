// SQLite statement text for a foreign scan and for writes through a foreign table, and the
// cheap row-count estimate the planner uses.
#pragma once

#include <string>
#include <vector>

#include "core/table_model.hpp"
#include "core/sqlite_db.hpp"

namespace hangar {

// SELECT "c1", "c2", rowid FROM "t" [WHERE condition AND ...] [ORDER BY order] (rowid only when
// rowid_name is not empty); conditions are SQLite text, with their parameters ?n. With no columns
// and no rowid it selects NULL, so the row count still comes back.
std::string select_sql(const std::string &table, const std::vector<std::string> &columns,
                       const std::string &rowid_name, const std::vector<std::string> &conditions,
                       const std::string &order = "");

// SELECT 1 FROM "t" WHERE condition LIMIT 1: whether any row meets the condition.
std::string probe_sql(const std::string &table, const std::string &condition);

// SELECT items FROM "t" [WHERE ...] [GROUP BY ...]: aggregates of the rows those conditions
// select (items and group_by are SQLite expressions).
std::string aggregate_sql(const std::string &table, const std::vector<std::string> &items,
                          const std::vector<std::string> &conditions, const std::vector<std::string> &group_by);

// SELECT "c" FROM "t" WHERE "c" IS NOT NULL [ORDER BY rowid DESC] LIMIT 1: a column's newest value
// (by rowid where the table has one), whose spelling writes and exports reproduce.
std::string newest_value_sql(const std::string &table, const std::string &column, const std::string &rowid_name);

// Whether the file has sqlite_sequence (SQLite makes it for the first AUTOINCREMENT table).
bool has_sqlite_sequence(sqlite3 *db);

// How UPDATE and DELETE find their row: by the rowid (rowid_name, e.g. "rowid") or, in a WITHOUT
// ROWID table, by its primary key columns. Parameters follow the statement's other ones.
struct RowLocator {
  std::string rowid_name;
  std::vector<std::string> key_columns;
};

// INSERT INTO "t" ("a", "b") VALUES (?1, ?2) [ON CONFLICT DO NOTHING] [RETURNING "x", "y"];
// with no columns, INSERT INTO "t" DEFAULT VALUES.
std::string insert_sql(const std::string &table, const std::vector<std::string> &columns, bool on_conflict_do_nothing,
                       const std::vector<std::string> &returning);
// UPDATE "t" SET "a" = ?1, "b" = ?2 WHERE rowid = ?3 [RETURNING ...]
std::string update_sql(const std::string &table, const std::vector<std::string> &columns, const RowLocator &locator,
                       const std::vector<std::string> &returning);
// DELETE FROM "t" WHERE rowid = ?1 [RETURNING ...]
std::string delete_sql(const std::string &table, const RowLocator &locator, const std::vector<std::string> &returning);

// Rows in the table by sqlite_stat1 when ANALYZE ran, else by its rowid span (O(log n) in
// SQLite) but no more than the file's size could hold, else a default guess (views, WITHOUT
// ROWID tables).
double estimate_rows(const Database &db, const Table &table);

}  // namespace hangar
