// The migration plan: the PostgreSQL schema a SQLite database becomes, and the ordered steps
// that build and fill it. Pure C++ and deterministic: hangar_plan() shows exactly these steps,
// hangar_migrate() runs them. See DESIGN.md principle 4 for what "the schema the app would
// have created" means here.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/framework.hpp"
#include "core/source_catalog.hpp"
#include "core/pg_names.hpp"

namespace hangar {

struct MigrationOptions {
  std::string target_schema = "public";
  std::map<std::string, std::string> column_types;  // "table.column" -> PostgreSQL type
  std::map<std::string, std::string> type_map;      // mapped PostgreSQL type -> replacement, e.g. json -> jsonb
  bool identity = false;                            // identity columns instead of serial-style sequences
  bool enums = true;                                // enum CHECKs become enum types
  bool fulltext_tables = false;                     // FTS tables become tables with a tsvector column
  Framework framework = Framework::Auto;            // whose PostgreSQL schema to build; Auto: detected
  // Foreign keys whose check during the copy is exact (Planner::checkable_in_copy) are added to
  // the empty child before its copy, after the parent's primary key, which follows the parent's
  // copy. hangar_migrate and hangar_plan set it in stop mode.
  bool foreign_keys_in_copy = false;
};

struct PlannedColumn {
  std::string sqlite_name;
  std::string pg_name;
  std::string pg_type;     // the column's PostgreSQL type (without serial/identity decoration)
  bool is_enum = false;    // pg_type is an enum type the plan creates
  std::string collation;   // the SQLite column's declared collation, upper-case; empty for BINARY
  bool generated = false;  // GENERATED ALWAYS AS (...) STORED: PostgreSQL computes it, the copy skips it
  bool type_given = false; // pg_type is the one type_map or column_types asks for
  bool no_affinity = false; // declared without a type (or STRICT's ANY): SQLite converts nothing it meets
};

struct PlannedForeignKey {
  std::string label;                           // for messages: the name, or the definition
  size_t parent = 0;                           // index of the parent in MigrationPlan::tables
  std::vector<size_t> columns;                 // child column indexes
  std::vector<size_t> parent_columns;          // parent column indexes
  // Checked row by row as the child is copied, against the parent's key values collected as
  // the parent was copied: one integer column on each side (smallint, integer or bigint), the
  // parent's primary key, the parent copied first. Its step comes before the child's copy.
  bool in_copy = false;
};

struct PlannedTable {
  std::string sqlite_name;
  std::string pg_name;
  bool is_view = false;
  std::vector<PlannedColumn> columns;
  std::string rowid_name;                      // how to select the SQLite rowid; empty when none
  int rowid_alias = -1;                        // index of the INTEGER PRIMARY KEY column
  std::vector<PlannedForeignKey> foreign_keys;
  // The columns of its PRIMARY KEY in key order (indexes into columns); empty when it has none
  // or a UNIQUE constraint stands for it.
  std::vector<size_t> primary_key;
  std::string fulltext_column;                 // the tsvector column of an FTS table; empty otherwise
  std::vector<std::string> notes;              // what the report's detail says about this table
};

enum class Phase { Schema, Types, Tables, Defaults, Copy, Keys, Checks, Indexes, ForeignKeys, Sequences, Views };
const char *phase_name(Phase phase);

struct PlanStep {
  Phase phase;
  int table = -1;          // index into MigrationPlan::tables; -1 for schema-wide steps
  std::string sql;         // the statement (for Copy, a description of the copy)
  bool optional = false;   // a failure is reported in the table's detail and skipped
  std::string what;        // what the step makes, for reports: "default of column x"
  int foreign_key = -1;    // ForeignKeys: index into the table's foreign_keys
  bool primary_key = false;  // Keys: the table's primary key (or the UNIQUE constraint standing for it)
  std::vector<size_t> key_columns;  // Keys: the key's columns (indexes into the table's columns)
  // A key or index of one term whose values may be larger than a btree entry holds (about 2.7 kB;
  // SQLite's b-tree indexes any size): the same uniqueness, or lookup, by hash, which takes
  // values of any size, for when the btree fails on such a value. Empty otherwise.
  std::string hash_fallback;
};

struct MigrationPlan {
  std::string schema;
  Framework framework = Framework::None;  // the framework the plan follows (never Auto)
  std::vector<PlannedTable> tables;  // tables in copy order (parents first), then views
  std::vector<PlanStep> steps;
  std::vector<std::string> notes;    // database-wide notes (the framework followed)
  std::vector<SkippedTable> skipped; // tables and views not migrated, and why
};

// The relations a migration creates and keeps locked until its transaction ends: tables (each
// counted with a TOAST table and its index), sequences, key and other indexes, views.
size_t relations_created(const MigrationPlan &plan);

// Throws hangar::Error (22023) when column_types names a column the database lacks.
MigrationPlan plan_migration(const SourceCatalog &catalog, const MigrationOptions &options, const PgQuoter &quote);

}  // namespace hangar
