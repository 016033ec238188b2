// SQLite query text and estimates for the planner (see sqlite_query.hpp).
#include "core/sqlite_query.hpp"

#include <cstdlib>

#include "core/cpp_only.hpp"

namespace hangar {

namespace {
constexpr double kDefaultRowEstimate = 1000.0;
// A row takes at least 6 bytes of a leaf page: its cell pointer, payload size, rowid and header.
constexpr double kSmallestRowBytes = 6.0;

std::string quoted_list(const std::vector<std::string> &names) {
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + quote_sqlite_identifier(names[i]);
  return list;
}

// WHERE (c1) AND (c2) ... (empty without conditions).
std::string where_clause(const std::vector<std::string> &conditions) {
  std::string sql;
  for (size_t i = 0; i < conditions.size(); ++i) sql += (i ? " AND " : " WHERE ") + conditions[i];
  return sql;
}

std::string returning_clause(const std::vector<std::string> &returning) {
  return returning.empty() ? "" : " RETURNING " + quoted_list(returning);
}

// WHERE rowid = ?n, or WHERE "k1" = ?n AND "k2" = ?n+1; first_parameter is n.
std::string locator_clause(const RowLocator &locator, size_t first_parameter) {
  if (!locator.rowid_name.empty()) return " WHERE " + locator.rowid_name + " = ?" + std::to_string(first_parameter);
  std::string where;
  for (size_t i = 0; i < locator.key_columns.size(); ++i)
    where += (i ? " AND " : " WHERE ") + quote_sqlite_identifier(locator.key_columns[i]) + " = ?" +
             std::to_string(first_parameter + i);
  return where;
}
}  // namespace

std::string select_sql(const std::string &table, const std::vector<std::string> &columns,
                       const std::string &rowid_name, const std::vector<std::string> &conditions,
                       const std::string &order) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) sql += ", ";
    sql += quote_sqlite_identifier(columns[i]);
  }
  if (!rowid_name.empty()) sql += (columns.empty() ? "" : ", ") + rowid_name;
  if (columns.empty() && rowid_name.empty()) sql += "NULL";
  sql += " FROM " + quote_sqlite_identifier(table) + where_clause(conditions);
  if (!order.empty()) sql += " ORDER BY " + order;
  return sql;
}

std::string probe_sql(const std::string &table, const std::string &condition) {
  return "SELECT 1 FROM " + quote_sqlite_identifier(table) + " WHERE " + condition + " LIMIT 1";
}

std::string aggregate_sql(const std::string &table, const std::vector<std::string> &items,
                          const std::vector<std::string> &conditions, const std::vector<std::string> &group_by) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < items.size(); ++i) sql += (i ? ", " : "") + items[i];
  sql += " FROM " + quote_sqlite_identifier(table) + where_clause(conditions);
  for (size_t i = 0; i < group_by.size(); ++i) sql += (i ? ", " : " GROUP BY ") + group_by[i];
  return sql;
}

std::string newest_value_sql(const std::string &table, const std::string &column, const std::string &rowid_name) {
  std::string quoted = quote_sqlite_identifier(column);
  std::string sql = "SELECT " + quoted + " FROM " + quote_sqlite_identifier(table) + " WHERE " + quoted + " IS NOT NULL";
  if (!rowid_name.empty()) sql += " ORDER BY " + rowid_name + " DESC";
  return sql + " LIMIT 1";
}

bool has_sqlite_sequence(sqlite3 *db) {
  Statement exists(db, "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'");
  return exists.step();
}

std::string insert_sql(const std::string &table, const std::vector<std::string> &columns, bool on_conflict_do_nothing,
                       const std::vector<std::string> &returning) {
  std::string sql = "INSERT INTO " + quote_sqlite_identifier(table);
  if (columns.empty()) return sql + " DEFAULT VALUES" + returning_clause(returning);
  sql += " (" + quoted_list(columns) + ") VALUES (";
  for (size_t i = 0; i < columns.size(); ++i) sql += (i ? ", ?" : "?") + std::to_string(i + 1);
  sql += ")";
  if (on_conflict_do_nothing) sql += " ON CONFLICT DO NOTHING";
  return sql + returning_clause(returning);
}

std::string update_sql(const std::string &table, const std::vector<std::string> &columns, const RowLocator &locator,
                       const std::vector<std::string> &returning) {
  std::string sql = "UPDATE " + quote_sqlite_identifier(table) + " SET ";
  for (size_t i = 0; i < columns.size(); ++i)
    sql += (i ? ", " : "") + quote_sqlite_identifier(columns[i]) + " = ?" + std::to_string(i + 1);
  return sql + locator_clause(locator, columns.size() + 1) + returning_clause(returning);
}

std::string delete_sql(const std::string &table, const RowLocator &locator, const std::vector<std::string> &returning) {
  return "DELETE FROM " + quote_sqlite_identifier(table) + locator_clause(locator, 1) + returning_clause(returning);
}

double estimate_rows(const Database &db, const Table &table) {
  bool has_stat1 = db.query_int64("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'") > 0;
  if (has_stat1) {
    Statement stmt = db.prepare("SELECT stat FROM sqlite_stat1 WHERE tbl = ?1 LIMIT 1");
    stmt.bind_text(1, table.name);
    if (stmt.step()) {
      double rows = static_cast<double>(std::atoll(stmt.column_text(0).c_str()));
      if (rows > 0) return rows;
    }
  }
  if (!table.rowid_name.empty()) {
    // Two queries: SQLite answers a lone min() or max() of the rowid from the b-tree's edge,
    // but scans the table when both are in one query.
    std::string from = " FROM " + quote_sqlite_identifier(table.name);
    Statement max_stmt = db.prepare("SELECT max(" + table.rowid_name + ")" + from);
    Statement min_stmt = db.prepare("SELECT min(" + table.rowid_name + ")" + from);
    if (!max_stmt.step() || max_stmt.is_null(0) || !min_stmt.step()) return 1.0;
    double span = max_stmt.column_double(0) - min_stmt.column_double(0) + 1.0;
    // Sparse rowids (a few at the ends of the 64-bit range) make the span absurd, and absurd
    // costs make PostgreSQL JIT-compile a query over a dozen rows: no table holds more rows than
    // the file's bytes could store at kSmallestRowBytes a row.
    double most = static_cast<double>(db.query_int64("PRAGMA page_count")) *
                  static_cast<double>(db.query_int64("PRAGMA page_size")) / kSmallestRowBytes;
    span = span < most ? span : most;
    return span > 1.0 ? span : 1.0;
  }
  return kDefaultRowEstimate;
}

}  // namespace hangar
