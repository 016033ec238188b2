// Catalog reading. Column facts come from PRAGMA table_xinfo and table kinds (shadow, virtual,
// WITHOUT ROWID) from PRAGMA table_list, which SQLite computes from its own parse of the DDL, so
// declared types, NOT NULL, primary keys and generated columns are exactly what SQLite believes.
// The schema is read in a fixed number of statements however many tables the file has: one scan
// of sqlite_schema, one of table_list, and one prepared table_xinfo statement reused per table.
#include "core/schema_reader.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/ascii_case.hpp"
#include "core/error.hpp"
#include "core/cpp_only.hpp"
#include "core/pg_limits.hpp"

namespace hangar {

namespace {

struct ListedKind {
  std::string type;  // table, view, shadow, virtual
  bool without_rowid = false;
};

bool starts_with_ci(const std::string &text, const char *prefix) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t')) ++i;
  for (const char *p = prefix; *p; ++p, ++i) {
    if (i >= text.size() || ascii_upper(text[i]) != *p) return false;
  }
  return true;
}

// PRAGMA table_list (SQLite 3.37): which tables are the shadow tables of a virtual table, and
// which are WITHOUT ROWID; of every table, or only of the table `only` names.
std::unordered_map<std::string, ListedKind> read_table_kinds(const Database &db, const std::string *only = nullptr) {
  std::unordered_map<std::string, ListedKind> kinds;
  Statement stmt = db.prepare(only ? "SELECT name, type, wr FROM pragma_table_list(?1) WHERE schema = 'main'"
                                   : "SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main'");
  if (only) stmt.bind_text(1, *only);
  while (stmt.step()) kinds[stmt.column_text(0)] = {stmt.column_text(1), stmt.column_int64(2) != 0};
  return kinds;
}

void read_columns(Statement &xinfo, Table &table) {
  xinfo.reset();
  xinfo.bind_text(1, table.name);
  while (xinfo.step()) {
    Column c;
    c.name = xinfo.column_text(0);
    c.declared_type = xinfo.column_text(1);
    c.not_null = xinfo.column_int64(2) != 0;
    if (!xinfo.is_null(3)) c.default_sql = xinfo.column_text(3);
    c.primary_key_position = static_cast<int>(xinfo.column_int64(4));
    c.hidden = static_cast<int>(xinfo.column_int64(5));
    if (c.hidden == 1) continue;
    table.columns.push_back(std::move(c));
  }
}

// The first of SQLite's three rowid spellings that no column shadows. Views and WITHOUT ROWID
// tables have none; a virtual table has one only if SQLite accepts it for that table.
std::string find_rowid_name(const Database &db, const Table &table, bool without_rowid) {
  if (table.is_view || without_rowid) return {};
  for (const char *candidate : {"rowid", "_rowid_", "oid"}) {
    bool shadowed = false;
    for (const Column &c : table.columns)
      if (ascii_iequals(c.name, candidate)) shadowed = true;
    if (shadowed) continue;
    if (!table.is_virtual) return candidate;
    sqlite3_stmt *probe = nullptr;
    std::string sql = std::string("SELECT ") + candidate + " FROM " + quote_sqlite_identifier(table.name) + " LIMIT 0";
    int rc = sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &probe, nullptr);
    sqlite3_finalize(probe);
    return rc == SQLITE_OK ? candidate : std::string();
  }
  return {};
}

// The per-table PRAGMA statements, prepared once and reused for every table.
struct TableReaders {
  explicit TableReaders(const Database &db)
      : xinfo(db.prepare("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1)")),
        pk_index(db.prepare("SELECT count(*) FROM pragma_index_list(?1) WHERE origin = 'pk'")) {}
  Statement xinfo;
  Statement pk_index;
};

// A rowid table's single-column primary key declared exactly INTEGER is an alias of the rowid
// (https://www.sqlite.org/lang_createtable.html#rowid), except when declared INTEGER PRIMARY KEY
// DESC, a quirk SQLite keeps: that is an ordinary column (which may even hold NULL) with its own
// index. So the key is an alias exactly when SQLite made no index for it.
void mark_rowid_alias(Statement &pk_index, Table &table) {
  if (table.is_view || table.is_virtual || table.rowid_name.empty()) return;
  Column *key = nullptr;
  for (Column &c : table.columns) {
    if (c.primary_key_position == 0) continue;
    if (key) return;  // composite key
    key = &c;
  }
  if (!key || !ascii_iequals(key->declared_type, "INTEGER")) return;
  pk_index.reset();
  pk_index.bind_text(1, table.name);
  key->rowid_alias = pk_index.step() && pk_index.column_int64(0) == 0;
}

// Collation and AUTOINCREMENT as SQLite itself reports them (sqlite3_table_column_metadata).
void read_column_metadata(const Database &db, Table &table) {
  if (table.is_view || table.is_virtual) return;
  for (Column &c : table.columns) {
    const char *type = nullptr, *collation = nullptr;
    int not_null = 0, primary_key = 0, autoincrement = 0;
    if (sqlite3_table_column_metadata(db.handle(), "main", table.name.c_str(), c.name.c_str(), &type, &collation,
                                      &not_null, &primary_key, &autoincrement) != SQLITE_OK)
      continue;
    std::string upper = collation ? ascii_upper(collation) : "";
    c.collation = upper == "BINARY" ? "" : upper;
    c.autoincrement = autoincrement != 0;
  }
}

Table table_from_row(const Statement &stmt) {
  Table t;
  t.is_view = stmt.column_text(0) == "view";
  t.name = stmt.column_text(1);
  t.sql = stmt.column_text(2);
  t.is_virtual = starts_with_ci(t.sql, "CREATE VIRTUAL");
  return t;
}

// hangar_capture_log is change capture's log (core/capture_sql.hpp), never one of the app's tables.
constexpr const char *kListQuery =
    "SELECT type, name, coalesce(sql, '') FROM sqlite_schema "
    "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'hangar_capture_log'";

// Fills a table's columns and rowid facts (kind: its PRAGMA table_list row, if any).
void fill_table(const Database &db, TableReaders &readers, Table &t, const ListedKind *kind) {
  read_columns(readers.xinfo, t);
  t.rowid_name = find_rowid_name(db, t, kind && kind->without_rowid);
  mark_rowid_alias(readers.pk_index, t);
  read_column_metadata(db, t);
}

// fill_table for a listed table; false (and a skip) when SQLite cannot say.
bool complete(const Database &db, TableReaders &readers, Table &t, const ListedKind *kind, SchemaListing &listing) {
  try {
    fill_table(db, readers, t, kind);
  } catch (const Error &) {
    listing.skipped.push_back({t.name, sqlite3_errmsg(db.handle())});
    readers.xinfo.reset();
    readers.pk_index.reset();
    return false;
  }
  if (t.columns.size() > static_cast<size_t>(kMaxPgTableColumns)) {
    listing.skipped.push_back({t.name, std::string(t.is_view ? "a view" : "a table") + " of " +
                                           std::to_string(t.columns.size()) + " columns; PostgreSQL's hold at most " +
                                           std::to_string(kMaxPgTableColumns)});
    return false;
  }
  return true;
}

}  // namespace

std::string shadow_tables_of(const std::string &table, const std::vector<std::string> &shadow) {
  std::string prefix = table + "_", shadows;
  for (const std::string &s : shadow)
    if (s.size() > prefix.size() && ascii_iequals(s.substr(0, prefix.size()), prefix))
      shadows += (shadows.empty() ? "" : ", ") + s;
  return shadows;
}

SchemaListing read_schema(const Database &db, bool (*wanted)(const std::string &, void *), void *arg) {
  SchemaListing listing;
  std::unordered_map<std::string, ListedKind> kinds = read_table_kinds(db);
  Statement stmt = db.prepare(std::string(kListQuery) + " ORDER BY rowid");
  TableReaders readers(db);
  std::vector<size_t> unreadable_virtual;  // skipped virtual tables, by their place in listing.skipped
  while (stmt.step()) {
    Table t = table_from_row(stmt);
    if (wanted && !wanted(t.name, arg)) continue;
    auto kind = kinds.find(t.name);
    if (kind != kinds.end() && kind->second.type == "shadow") {
      listing.shadow.push_back(t.name);
      continue;
    }
    if (complete(db, readers, t, kind == kinds.end() ? nullptr : &kind->second, listing))
      listing.tables.push_back(std::move(t));
    else if (t.is_virtual)
      unreadable_virtual.push_back(listing.skipped.size() - 1);
  }
  // its data is not lost without a word: the shadow tables are listed after it
  for (size_t s : unreadable_virtual)
    if (std::string shadows = shadow_tables_of(listing.skipped[s].name, listing.shadow); !shadows.empty())
      listing.skipped[s].reason += "; a virtual table, whose data is in its shadow tables (" + shadows + "), not migrated";
  return listing;
}

Table read_table(const Database &db, const std::string &name) {
  Statement stmt = db.prepare(std::string(kListQuery) + " AND name = ?1 COLLATE NOCASE");
  stmt.bind_text(1, name);
  if (!stmt.step())
    throw Error(sqlstate::kFdwTableNotFound, "SQLite table \"" + name + "\" does not exist",
                "The database \"" + db.path() + "\" has no table or view of that name.");
  Table t = table_from_row(stmt);
  std::unordered_map<std::string, ListedKind> kinds = read_table_kinds(db, &t.name);
  auto kind = kinds.find(t.name);
  TableReaders readers(db);
  fill_table(db, readers, t, kind == kinds.end() ? nullptr : &kind->second);
  return t;
}

std::vector<std::string> index_leading_columns(const Database &db, const std::string &table) {
  Statement stmt = db.prepare(
      "SELECT DISTINCT k.name FROM pragma_index_list(?1) AS i, pragma_index_xinfo(i.name) AS k "
      "WHERE i.partial = 0 AND k.seqno = 0 AND k.key = 1 AND k.cid >= 0 AND k.coll = 'BINARY'");
  stmt.bind_text(1, table);
  std::vector<std::string> columns;
  while (stmt.step()) columns.push_back(stmt.column_text(0));
  return columns;
}

std::vector<StorageClasses> scan_storage_classes(const Database &db, const Table &table,
                                                 const std::vector<std::string> &columns) {
  // A result column per column, its classes as bits, in batches: SQLite's result rows are
  // limited in columns (2000 by default), and a table may have as many.
  constexpr size_t kBatch = 500;
  std::vector<StorageClasses> result(columns.size());
  for (size_t first = 0; first < columns.size(); first += kBatch) {
    size_t last = std::min(columns.size(), first + kBatch);
    std::string sql = "SELECT ";
    for (size_t i = first; i < last; ++i) {
      std::string t = "typeof(" + quote_sqlite_identifier(columns[i]) + ")";
      if (i > first) sql += ", ";
      sql += "max(" + t + " = 'integer') + 2 * max(" + t + " = 'real') + 4 * max(" + t + " = 'text') + 8 * max(" + t +
             " = 'blob')";
    }
    sql += " FROM " + quote_sqlite_identifier(table.name);
    Statement stmt = db.prepare(sql);
    if (!stmt.step()) continue;
    for (size_t i = first; i < last; ++i) {
      int64_t bits = stmt.column_int64(static_cast<int>(i - first));  // NULL (no rows): 0
      result[i].integer = bits & 1;
      result[i].real = bits & 2;
      result[i].text = bits & 4;
      result[i].blob = bits & 8;
    }
  }
  return result;
}

}  // namespace hangar
