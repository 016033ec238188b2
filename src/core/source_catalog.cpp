// Reads the SourceCatalog (see source_catalog.hpp) in a fixed number of passes over the file's
// catalog: the schema listing, one scan of sqlite_sequence, one of the indexes. Virtual tables
// are not migrated and neither are the shadow tables their modules keep data in; each virtual
// table is reported. SQL text that does not parse never stops the reading: an index or view
// that cannot be read is reported instead.
#include "core/source_catalog.hpp"

#include <unordered_map>

#include "core/ascii_case.hpp"
#include "core/error.hpp"
#include "core/sql_tokenizer.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

namespace {

std::unordered_map<std::string, int64_t> read_sqlite_sequence(const Database &db) {
  std::unordered_map<std::string, int64_t> seq;
  if (db.query_int64("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'") == 0)
    return seq;
  Statement stmt = db.prepare("SELECT name, seq FROM sqlite_sequence WHERE typeof(seq) = 'integer'");
  while (stmt.step()) seq[stmt.column_text(0)] = stmt.column_int64(1);
  return seq;
}

// Explicit indexes (not SQLite's autoindexes), by table, in creation order.
std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> read_index_sql(const Database &db) {
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> indexes;
  Statement stmt =
      db.prepare("SELECT tbl_name, name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid");
  while (stmt.step()) indexes[stmt.column_text(0)].emplace_back(stmt.column_text(1), stmt.column_text(2));
  return indexes;
}

int64_t sequence_floor(const Database &db, const Table &table, const std::unordered_map<std::string, int64_t> &seq) {
  int64_t floor = 0;
  if (!table.rowid_name.empty())
    floor = db.query_int64("SELECT coalesce(max(" + table.rowid_name + "), 0) FROM " +
                           quote_sqlite_identifier(table.name));
  auto found = seq.find(table.name);
  if (found != seq.end() && found->second > floor) floor = found->second;
  return floor;
}

// The module of a CREATE VIRTUAL TABLE ... USING module(...) statement, lower-case.
std::string virtual_module(const std::string &sql) {
  try {
    std::vector<Token> tokens = tokenize_sql(sql);
    for (size_t i = 0; i + 1 < tokens.size(); ++i)
      if (tokens[i].is_word("USING")) return ascii_lower(tokens[i + 1].value);
  } catch (const Error &) {
  }
  return "unknown";
}

std::string virtual_table_note(const Table &table, const std::vector<std::string> &shadow) {
  std::string prefix = table.name + "_", shadows;
  int count = 0;
  for (const std::string &s : shadow)
    if (s.size() > prefix.size() && ascii_iequals(s.substr(0, prefix.size()), prefix)) {
      shadows += (count++ ? ", " : "") + s;
    }
  std::string note = "a virtual table (" + virtual_module(table.sql) + "); not migrated";
  if (count) note += ", nor the shadow tables that hold its data (" + shadows + ")";
  return note;
}

}  // namespace

SourceCatalog read_source_catalog(const Database &db) {
  SourceCatalog catalog;
  SchemaListing listing = read_schema(db);
  catalog.skipped = listing.skipped;
  std::unordered_map<std::string, int64_t> seq = read_sqlite_sequence(db);
  auto index_sql = read_index_sql(db);
  for (Table &table : listing.tables) {
    if (table.is_view) {
      SourceView view;
      view.name = table.name;
      for (const Column &c : table.columns) view.columns.push_back(c.name);
      try {
        view.definition = parse_create_view(table.sql);
      } catch (const Error &e) {
        view.parse_error = e.what();
      }
      catalog.views.push_back(std::move(view));
      continue;
    }
    if (table.is_virtual) {
      catalog.skipped.push_back({table.name, virtual_table_note(table, listing.shadow)});
      continue;
    }
    SourceTable source;
    source.ddl = parse_create_table(table.sql);
    source.sequence_floor = sequence_floor(db, table, seq);
    source.types = resolve_column_types(db, table);
    for (const auto &[name, sql] : index_sql[table.name]) {
      try {
        source.indexes.push_back(parse_create_index(sql));
      } catch (const Error &e) {
        source.notes.push_back("index \"" + name + "\" skipped: its SQL does not parse (" + e.what() + ")");
      }
    }
    source.table = std::move(table);
    catalog.tables.push_back(std::move(source));
  }
  return catalog;
}

}  // namespace hangar
