// The SQLite side of change capture (hangar_capture_start): the log table hangar_capture_log,
// the triggers that fill it with the key of every row an app inserts, updates or deletes, and
// the queries hangar_sync reads it with. Pure C++: SQL text only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hangar {

// The log's name; hangar_fdw never lists it as one of the app's tables.
constexpr const char *kCaptureLog = "hangar_capture_log";
// Triggers are named with this prefix, then the event, then the table.
constexpr const char *kCaptureTriggerPrefix = "hangar_capture_";

// CREATE TABLE of the log: seq (AUTOINCREMENT, so a number is never handed out twice, even
// after the entries below it are deleted), tbl, and key columns k1..kN without a type, so each
// logged value keeps its storage class exactly.
std::string capture_log_ddl(int key_columns);
// The name of key column i (0-based) of the log: "k1", "k2", ...
std::string capture_key_column(int i);
// The AFTER INSERT, UPDATE and DELETE triggers on a table whose primary key is `keys`: an insert
// logs NEW's key, a delete OLD's, an update OLD's and, when it changed, NEW's. Without keys (a
// table without a primary key) each write logs the table alone.
std::vector<std::string> capture_trigger_ddl(const std::string &table, const std::vector<std::string> &keys);
// The trigger names capture_trigger_ddl gives a table.
std::vector<std::string> capture_trigger_names(const std::string &table);
// WHERE condition on a table: its rows whose key was logged for it with seq in (after, upto].
std::string captured_rows_condition(const std::string &table, const std::vector<std::string> &keys, int64_t after,
                                    int64_t upto);
// SELECT count(*) of the entries logged for a table with seq in (after, upto].
std::string captured_count_sql(const std::string &table, int64_t after, int64_t upto);
// SELECT of the distinct keys logged for a table with seq in (after, upto], as k1..kN.
std::string captured_keys_sql(const std::string &table, size_t nkeys, int64_t after, int64_t upto);

}  // namespace hangar
