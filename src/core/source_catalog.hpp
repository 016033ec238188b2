// Everything a migration needs to know about the SQLite file, read in one pass: each table's
// columns (PRAGMA table_xinfo), keys and foreign keys (PRAGMAs index_list, index_info,
// foreign_key_list) together with what only its DDL text says (names, CHECK, DEFAULT and
// generated expressions), its explicit indexes, its triggers, the floor its id sequence must start
// above, and the views. Structure comes from SQLite's own PRAGMAs, so a CREATE TABLE text the
// parser cannot read still migrates. Internal tables (sqlite_*) are never listed.
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

// A foreign key as PRAGMA foreign_key_list reports it, with what only the DDL text says (its
// name and deferrability) when the text could be read.
struct ForeignKeyFact {
  std::string parent_table;
  std::vector<std::string> columns;
  std::vector<std::string> parent_columns;  // empty: the parent's primary key
  std::string on_update;                    // CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION
  std::string on_delete;
  std::string name;                         // empty when unnamed or unknown
  bool deferrable = false;
  bool initially_deferred = false;
};

// A UNIQUE constraint (an index SQLite made for it, origin 'u'), with its name from the DDL.
struct UniqueFact {
  std::vector<std::string> columns;
  std::vector<std::string> collations;  // per column, the collation the constraint compares it under
  std::string name;
};

struct SourceTable {
  Table table;                          // columns and rowid facts from PRAGMA table_xinfo
  std::vector<ColumnType> types;        // each column's default PostgreSQL type (core/column_types)
  TableDefinition ddl;                  // CHECKs, DEFAULT and generated expressions, names: the DDL text
  bool ddl_read = true;                 // false: the CREATE TABLE text did not parse; facts only
  std::string primary_key_name;         // from the DDL; empty when unnamed
  bool primary_key_has_nulls = false;   // a rowid table's key other than the rowid may hold NULL
  // per primary key column, the collation the key compares it under (upper-case, as SQLite's
  // index on it says: PRIMARY KEY (name COLLATE NOCASE)); empty for the rowid, which has no index
  std::vector<std::string> primary_key_collations;
  std::vector<UniqueFact> uniques;      // in declaration order
  std::vector<ForeignKeyFact> foreign_keys;  // in declaration order
  std::vector<IndexDefinition> indexes; // CREATE INDEX statements (not SQLite's autoindexes)
  int64_t sequence_floor = 0;           // max(max(rowid), sqlite_sequence.seq): ids SQLite has used
  std::vector<std::string> notes;       // what is not migrated (an index whose SQL does not parse, a trigger)
  // For an FTS3/4/5 table read as a table (fulltext_tables): the text search configuration its
  // tokenizer comes closest to ("simple", or "english" for porter) and its module.
  std::string fulltext_config;
  std::string fulltext_module;
};

struct SourceView {
  std::string name;
  std::vector<std::string> columns;  // as SQLite names them (PRAGMA table_xinfo)
  ViewDefinition definition;
  std::string parse_error;           // set when the CREATE VIEW text could not be read
  std::vector<std::string> notes;    // what is not migrated (its INSTEAD OF triggers)
};

struct SourceCatalog {
  std::vector<SourceTable> tables;  // in creation order
  std::vector<SourceView> views;
  std::vector<SkippedTable> skipped;
};

// fulltext_tables: FTS3/4/5 tables are read as tables (their rowid as a column, their text
// columns), for the migration to give them a tsvector column; otherwise they are skipped.
SourceCatalog read_source_catalog(const Database &db, bool fulltext_tables = false);

}  // namespace hangar
