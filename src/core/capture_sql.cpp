// capture_sql.hpp: the log table, triggers and queries of change capture, as SQLite SQL.
#include "core/capture_sql.hpp"

#include "core/join.hpp"
#include "core/sqlite_db.hpp"

namespace hangar {

namespace {

const char *const kEvents[] = {"insert", "update", "delete"};

// "NEW"."a", "NEW"."b" (row is NEW or OLD).
std::string key_values(const char *row, const std::vector<std::string> &keys) {
  std::vector<std::string> values;
  for (const std::string &k : keys) values.push_back(std::string(row) + "." + quote_sqlite_identifier(k));
  return join(values, ", ");
}

std::string log_columns(size_t n) {
  std::vector<std::string> columns{"tbl"};
  for (size_t i = 0; i < n; ++i) columns.push_back(capture_key_column(static_cast<int>(i)));
  return join(columns, ", ");
}

std::string key_list(const std::vector<std::string> &keys) {
  std::vector<std::string> quoted;
  for (const std::string &k : keys) quoted.push_back(quote_sqlite_identifier(k));
  return quoted.size() == 1 ? quoted[0] : "(" + join(quoted, ", ") + ")";
}

std::string logged_keys(const std::string &table, size_t nkeys, int64_t after, int64_t upto) {
  std::vector<std::string> columns;
  for (size_t i = 0; i < nkeys; ++i) columns.push_back(capture_key_column(static_cast<int>(i)));
  return "SELECT " + join(columns, ", ") + " FROM " + kCaptureLog + " WHERE tbl = " + quote_sqlite_literal(table) +
         " AND seq > " + std::to_string(after) + " AND seq <= " + std::to_string(upto);
}

}  // namespace

std::string capture_key_column(int i) { return "k" + std::to_string(i + 1); }

std::string capture_log_ddl(int key_columns) {
  std::string sql = std::string("CREATE TABLE ") + kCaptureLog + " (seq INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL";
  for (int i = 0; i < key_columns; ++i) sql += ", " + capture_key_column(i);
  return sql + ")";
}

std::vector<std::string> capture_trigger_names(const std::string &table) {
  std::vector<std::string> names;
  for (const char *event : kEvents) names.push_back(std::string(kCaptureTriggerPrefix) + event + "_" + table);
  return names;
}

std::vector<std::string> capture_trigger_ddl(const std::string &table, const std::vector<std::string> &keys) {
  std::vector<std::string> names = capture_trigger_names(table);
  std::string insert = std::string("INSERT INTO ") + kCaptureLog + " (" + log_columns(keys.size()) + ") ";
  std::string t = quote_sqlite_literal(table);
  auto entry = [&](const char *row) {  // the table, and the row's key when it has one
    return insert + "VALUES (" + t + (keys.empty() ? "" : ", " + key_values(row, keys)) + ");";
  };
  std::vector<std::string> changed;
  for (const std::string &k : keys)
    changed.push_back("NEW." + quote_sqlite_identifier(k) + " IS NOT OLD." + quote_sqlite_identifier(k));
  auto trigger = [&](size_t i, const std::string &body) {
    return "CREATE TRIGGER " + quote_sqlite_identifier(names[i]) + " AFTER " + kEvents[i] + " ON " +
           quote_sqlite_identifier(table) + " BEGIN " + body + " END";
  };
  std::string key_moved = keys.empty() ? ""
                                        : " " + insert + "SELECT " + t + ", " + key_values("NEW", keys) + " WHERE " +
                                              join(changed, " OR ") + ";";
  return {trigger(0, entry("NEW")), trigger(1, entry("OLD") + key_moved), trigger(2, entry("OLD"))};
}

std::string captured_count_sql(const std::string &table, int64_t after, int64_t upto) {
  return std::string("SELECT count(*) FROM ") + kCaptureLog + " WHERE tbl = " + quote_sqlite_literal(table) +
         " AND seq > " + std::to_string(after) + " AND seq <= " + std::to_string(upto);
}

std::string captured_rows_condition(const std::string &table, const std::vector<std::string> &keys, int64_t after,
                                    int64_t upto) {
  return key_list(keys) + " IN (" + logged_keys(table, keys.size(), after, upto) + ")";
}

std::string captured_keys_sql(const std::string &table, size_t nkeys, int64_t after, int64_t upto) {
  std::string sql = logged_keys(table, nkeys, after, upto);
  return "SELECT DISTINCT" + sql.substr(6);
}

}  // namespace hangar
