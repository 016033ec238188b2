// Catalog reading. Column facts come from PRAGMA table_xinfo, which SQLite computes from its
// own parse of the DDL, so declared types, NOT NULL, primary keys and generated columns are
// exactly what SQLite itself believes.
#include "core/schema_reader.hpp"

#include "core/ascii_case.hpp"
#include "core/error.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

namespace {

bool starts_with_ci(const std::string &text, const char *prefix) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t')) ++i;
  for (const char *p = prefix; *p; ++p, ++i) {
    if (i >= text.size() || ascii_upper(text[i]) != *p) return false;
  }
  return true;
}

void read_columns(const Database &db, Table &table) {
  Statement stmt = db.prepare(
      "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1)");
  stmt.bind_text(1, table.name);
  while (stmt.step()) {
    Column c;
    c.name = stmt.column_text(0);
    c.declared_type = stmt.column_text(1);
    c.not_null = stmt.column_int64(2) != 0;
    if (!stmt.is_null(3)) c.default_sql = stmt.column_text(3);
    c.primary_key_position = static_cast<int>(stmt.column_int64(4));
    c.hidden = static_cast<int>(stmt.column_int64(5));
    if (c.hidden == 1) continue;
    table.columns.push_back(std::move(c));
  }
}

// The first of SQLite's three rowid spellings that no column shadows and that SQLite accepts
// for this table (views and WITHOUT ROWID tables accept none).
std::string find_rowid_name(const Database &db, const Table &table) {
  if (table.is_view) return {};
  for (const char *candidate : {"rowid", "_rowid_", "oid"}) {
    bool shadowed = false;
    for (const Column &c : table.columns)
      if (sqlite3_stricmp(c.name.c_str(), candidate) == 0) shadowed = true;
    if (shadowed) continue;
    sqlite3_stmt *probe = nullptr;
    std::string sql = std::string("SELECT ") + candidate + " FROM " + quote_sqlite_identifier(table.name) + " LIMIT 0";
    int rc = sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &probe, nullptr);
    sqlite3_finalize(probe);
    return rc == SQLITE_OK ? candidate : std::string();
  }
  return {};
}

// A rowid table's single-column primary key declared exactly INTEGER is an alias of the rowid
// (https://www.sqlite.org/lang_createtable.html#rowid).
void mark_rowid_alias(Table &table) {
  if (table.is_view) return;
  Column *key = nullptr;
  for (Column &c : table.columns) {
    if (c.primary_key_position == 0) continue;
    if (key) return;  // composite key
    key = &c;
  }
  if (key && !table.without_rowid() && sqlite3_stricmp(key->declared_type.c_str(), "INTEGER") == 0)
    key->rowid_alias = true;
}

Table table_from_row(const Statement &stmt) {
  Table t;
  t.is_view = stmt.column_text(0) == "view";
  t.name = stmt.column_text(1);
  t.sql = stmt.column_text(2);
  t.is_virtual = starts_with_ci(t.sql, "CREATE VIRTUAL");
  return t;
}

constexpr const char *kListQuery =
    "SELECT type, name, coalesce(sql, '') FROM sqlite_schema "
    "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

}  // namespace

SchemaListing read_schema(const Database &db, bool (*wanted)(const std::string &, void *), void *arg) {
  SchemaListing listing;
  Statement stmt = db.prepare(std::string(kListQuery) + " ORDER BY rowid");
  while (stmt.step()) {
    Table t = table_from_row(stmt);
    if (wanted && !wanted(t.name, arg)) continue;
    try {
      read_columns(db, t);
    } catch (const Error &) {
      listing.skipped.push_back({t.name, sqlite3_errmsg(db.handle())});
      continue;
    }
    t.rowid_name = find_rowid_name(db, t);
    mark_rowid_alias(t);
    listing.tables.push_back(std::move(t));
  }
  return listing;
}

Table read_table(const Database &db, const std::string &name) {
  Statement stmt = db.prepare(std::string(kListQuery) + " AND name = ?1 COLLATE NOCASE");
  stmt.bind_text(1, name);
  if (!stmt.step())
    throw Error(sqlstate::kFdwTableNotFound, "SQLite table \"" + name + "\" does not exist",
                "The database \"" + db.path() + "\" has no table or view of that name.");
  Table t = table_from_row(stmt);
  read_columns(db, t);
  t.rowid_name = find_rowid_name(db, t);
  mark_rowid_alias(t);
  return t;
}

std::vector<StorageClasses> scan_storage_classes(const Database &db, const Table &table,
                                                 const std::vector<std::string> &columns) {
  std::vector<StorageClasses> result(columns.size());
  if (columns.empty()) return result;
  std::string sql = "SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) {
    std::string t = "typeof(" + quote_sqlite_identifier(columns[i]) + ")";
    if (i) sql += ", ";
    sql += "max(" + t + " = 'integer'), max(" + t + " = 'real'), max(" + t + " = 'text'), max(" + t + " = 'blob')";
  }
  sql += " FROM " + quote_sqlite_identifier(table.name);
  Statement stmt = db.prepare(sql);
  if (stmt.step()) {
    for (size_t i = 0; i < columns.size(); ++i) {
      int base = static_cast<int>(i) * 4;
      result[i].integer = stmt.column_int64(base) == 1;
      result[i].real = stmt.column_int64(base + 1) == 1;
      result[i].text = stmt.column_int64(base + 2) == 1;
      result[i].blob = stmt.column_int64(base + 3) == 1;
    }
  }
  return result;
}

}  // namespace hangar
