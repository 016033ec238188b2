// Reads the SourceCatalog (see source_catalog.hpp). Virtual tables are skipped: their
// shadow tables hold the data and are migrated as plain tables.
#include "core/source_catalog.hpp"

#include "core/cpp_only.hpp"

namespace hangar {

namespace {

int64_t sequence_floor(const Database &db, const Table &table, bool has_sqlite_sequence) {
  int64_t floor = 0;
  if (!table.rowid_name.empty())
    floor = db.query_int64("SELECT coalesce(max(" + table.rowid_name + "), 0) FROM " +
                           quote_sqlite_identifier(table.name));
  if (has_sqlite_sequence) {
    Statement stmt = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?1");
    stmt.bind_text(1, table.name);
    if (stmt.step() && !stmt.is_null(0) && stmt.column_int64(0) > floor) floor = stmt.column_int64(0);
  }
  return floor;
}

std::vector<IndexDefinition> read_indexes(const Database &db, const std::string &table) {
  std::vector<IndexDefinition> indexes;
  Statement stmt = db.prepare(
      "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL ORDER BY rowid");
  stmt.bind_text(1, table);
  while (stmt.step()) indexes.push_back(parse_create_index(stmt.column_text(0)));
  return indexes;
}

}  // namespace

SourceCatalog read_source_catalog(const Database &db) {
  SourceCatalog catalog;
  SchemaListing listing = read_schema(db);
  catalog.skipped = listing.skipped;
  bool has_sqlite_sequence =
      db.query_int64("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_sequence'") > 0;
  for (Table &table : listing.tables) {
    if (table.is_view) {
      catalog.views.push_back({table.name, parse_create_view(table.sql)});
      continue;
    }
    if (table.is_virtual) {
      catalog.skipped.push_back({table.name, "a virtual table; its shadow tables are migrated"});
      continue;
    }
    SourceTable source;
    source.ddl = parse_create_table(table.sql);
    source.indexes = read_indexes(db, table.name);
    source.sequence_floor = sequence_floor(db, table, has_sqlite_sequence);
    source.types = resolve_column_types(db, table);
    source.table = std::move(table);
    catalog.tables.push_back(std::move(source));
  }
  return catalog;
}

}  // namespace hangar
