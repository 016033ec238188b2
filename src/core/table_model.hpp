// The catalog model: what a SQLite file declares about its tables and views, read once through
// schema_reader and shared by IMPORT FOREIGN SCHEMA and the migration. Plain data, no behaviour.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hangar {

struct Column {
  std::string name;
  std::string declared_type;             // as written in the DDL, may be empty
  bool not_null = false;
  int primary_key_position = 0;          // 1-based position in the primary key, 0 when not in it
  std::optional<std::string> default_sql;
  int hidden = 0;                        // PRAGMA table_xinfo: 1 hidden, 2 virtual generated, 3 stored generated
  bool rowid_alias = false;              // INTEGER PRIMARY KEY of a rowid table: the rowid itself
  std::string collation;                 // declared collation, upper-case ("" for BINARY), as SQLite reports it
  bool autoincrement = false;            // INTEGER PRIMARY KEY AUTOINCREMENT
  // SQLite never stores NULL here: declared NOT NULL, the rowid, or a WITHOUT ROWID key column.
  bool never_null(bool without_rowid) const {
    return not_null || rowid_alias || (without_rowid && primary_key_position > 0);
  }
};

struct Table {
  std::string name;
  bool is_view = false;
  bool is_virtual = false;               // CREATE VIRTUAL TABLE
  std::string sql;                       // the CREATE statement from sqlite_schema
  std::string rowid_name;                // how to select the rowid ("rowid", "_rowid_", "oid"); empty if none
  bool without_rowid() const { return !is_view && !is_virtual && rowid_name.empty(); }
  std::vector<Column> columns;           // hidden virtual-table columns are left out
};

}  // namespace hangar
