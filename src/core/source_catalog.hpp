// Everything a migration needs to know about the SQLite file, read in one pass: each table's
// columns (PRAGMA table_xinfo) together with its parsed DDL, its explicit indexes, the floor its
// id sequence must start above, and the views. Internal tables (sqlite_*) are never listed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/table_model.hpp"
#include "core/column_types.hpp"
#include "core/ddl_parser.hpp"
#include "core/schema_reader.hpp"
#include "core/sqlite_db.hpp"

namespace hangar {

struct SourceTable {
  Table table;                          // columns and rowid facts from PRAGMA table_xinfo
  std::vector<ColumnType> types;        // each column's default PostgreSQL type (core/column_types)
  TableDefinition ddl;                  // constraint names and expressions from the DDL text
  std::vector<IndexDefinition> indexes; // CREATE INDEX statements (not SQLite's autoindexes)
  int64_t sequence_floor = 0;           // max(max(rowid), sqlite_sequence.seq): ids SQLite has used
  std::vector<std::string> notes;       // what could not be read (an index whose SQL does not parse)
};

struct SourceView {
  std::string name;
  std::vector<std::string> columns;  // as SQLite names them (PRAGMA table_xinfo)
  ViewDefinition definition;
  std::string parse_error;           // set when the CREATE VIEW text could not be read
};

struct SourceCatalog {
  std::vector<SourceTable> tables;  // in creation order
  std::vector<SourceView> views;
  std::vector<SkippedTable> skipped;
};

SourceCatalog read_source_catalog(const Database &db);

}  // namespace hangar
