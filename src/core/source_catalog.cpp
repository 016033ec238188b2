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

// Explicit indexes (not SQLite's autoindexes) and triggers, by table, in creation order.
struct SchemaObjects {
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> indexes;  // (name, sql)
  std::unordered_map<std::string, std::vector<std::string>> triggers;
};

SchemaObjects read_schema_objects(const Database &db) {
  SchemaObjects objects;
  Statement stmt = db.prepare(
      "SELECT type, tbl_name, name, coalesce(sql, '') FROM sqlite_schema WHERE type IN ('index', 'trigger') ORDER BY rowid");
  while (stmt.step()) {
    if (stmt.column_text(0) == "trigger")
      objects.triggers[stmt.column_text(1)].push_back(stmt.column_text(2));
    else if (!stmt.column_text(3).empty())
      objects.indexes[stmt.column_text(1)].emplace_back(stmt.column_text(2), stmt.column_text(3));
  }
  return objects;
}

// The per-table PRAGMAs for keys, prepared once.
struct KeyReaders {
  explicit KeyReaders(const Database &db)
      : foreign_keys(db.prepare("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete "
                                "FROM pragma_foreign_key_list(?1) ORDER BY id DESC, seq")),
        unique_indexes(db.prepare("SELECT name, origin FROM pragma_index_list(?1) WHERE origin IN ('u', 'pk') "
                                  "ORDER BY seq DESC")),
        index_columns(db.prepare("SELECT name, upper(coll) FROM pragma_index_xinfo(?1) WHERE key ORDER BY seqno")) {}
  Statement foreign_keys;
  Statement unique_indexes;
  Statement index_columns;
};

bool same_names(const std::vector<std::string> &a, const std::vector<std::string> &b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!ascii_iequals(a[i], b[i])) return false;
  return true;
}

// The DDL constraint of this kind over these columns (and parent table), for its name.
const TableConstraint *ddl_constraint(const TableDefinition &ddl, ConstraintKind kind,
                                      const std::vector<std::string> &columns, const std::string &parent = "") {
  for (const TableConstraint &c : ddl.constraints)
    if (c.kind == kind && same_names(c.columns, columns) &&
        (kind != ConstraintKind::ForeignKey || ascii_iequals(c.references.parent_table, parent)))
      return &c;
  return nullptr;
}

void read_foreign_keys(KeyReaders &readers, SourceTable &source) {
  Statement &stmt = readers.foreign_keys;
  stmt.reset();
  stmt.bind_text(1, source.table.name);
  int64_t current = -1;
  while (stmt.step()) {
    if (stmt.column_int64(0) != current) {
      current = stmt.column_int64(0);
      ForeignKeyFact fk;
      fk.parent_table = stmt.column_text(1);
      fk.on_update = stmt.column_text(4);
      fk.on_delete = stmt.column_text(5);
      source.foreign_keys.push_back(fk);
    }
    ForeignKeyFact &fk = source.foreign_keys.back();
    fk.columns.push_back(stmt.column_text(2));
    if (!stmt.is_null(3)) fk.parent_columns.push_back(stmt.column_text(3));
  }
  for (ForeignKeyFact &fk : source.foreign_keys) {
    if (fk.parent_columns.size() != fk.columns.size()) fk.parent_columns.clear();  // the parent's primary key
    if (const TableConstraint *c = ddl_constraint(source.ddl, ConstraintKind::ForeignKey, fk.columns, fk.parent_table)) {
      fk.name = c->name;
      fk.deferrable = c->references.deferrable;
      fk.initially_deferred = c->references.initially_deferred;
    }
  }
}

// The UNIQUE constraints, from the indexes SQLite made for them, and the collations the primary
// key's index compares under (a term's COLLATE is only there, not in the column's facts).
void read_uniques(KeyReaders &readers, SourceTable &source) {
  std::vector<std::pair<std::string, bool>> indexes;  // name, is the primary key's
  readers.unique_indexes.reset();
  readers.unique_indexes.bind_text(1, source.table.name);
  while (readers.unique_indexes.step())
    indexes.push_back({readers.unique_indexes.column_text(0), readers.unique_indexes.column_text(1) == "pk"});
  for (const auto &[index, primary_key] : indexes) {
    UniqueFact unique;
    readers.index_columns.reset();
    readers.index_columns.bind_text(1, index);
    while (readers.index_columns.step()) {
      unique.columns.push_back(readers.index_columns.column_text(0));
      unique.collations.push_back(readers.index_columns.column_text(1));
    }
    if (primary_key) {
      source.primary_key_collations = unique.collations;
      continue;
    }
    if (const TableConstraint *c = ddl_constraint(source.ddl, ConstraintKind::Unique, unique.columns)) unique.name = c->name;
    source.uniques.push_back(unique);
  }
}

// SQLite lets the primary key of a rowid table hold NULL (unless it is the rowid itself).
bool primary_key_has_nulls(const Database &db, const Table &table) {
  if (table.without_rowid()) return false;
  std::string condition;
  for (const Column &c : table.columns) {
    if (c.primary_key_position == 0) continue;
    if (c.rowid_alias) return false;
    condition += (condition.empty() ? "" : " OR ") + quote_sqlite_identifier(c.name) + " IS NULL";
  }
  if (condition.empty()) return false;
  return db.query_int64("SELECT EXISTS (SELECT 1 FROM " + quote_sqlite_identifier(table.name) + " WHERE " + condition +
                        ")") != 0;
}

std::string primary_key_name(const SourceTable &source) {
  for (const TableConstraint &c : source.ddl.constraints)
    if (c.kind == ConstraintKind::PrimaryKey) return c.name;
  return "";
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

// The module of a CREATE VIRTUAL TABLE ... USING module(args) statement, lower-case, and its
// arguments' tokens.
std::string virtual_module(const std::string &sql, std::vector<Token> *args = nullptr) {
  try {
    std::vector<Token> tokens = tokenize_sql(sql);
    for (size_t i = 0; i + 1 < tokens.size(); ++i)
      if (tokens[i].is_word("USING")) {
        if (args) args->assign(tokens.begin() + static_cast<long>(i) + 2, tokens.end());
        return ascii_lower(tokens[i + 1].value);
      }
  } catch (const Error &) {
  }
  return "unknown";
}

// An FTS3/4/5 table whose text the migration can read: its text search configuration ("" when
// it is not such a table, or a contentless one, whose text SQLite does not keep).
std::string fulltext_config(const Table &table, std::string *module) {
  std::vector<Token> args;
  *module = virtual_module(table.sql, &args);
  if (*module != "fts3" && *module != "fts4" && *module != "fts5") return "";
  std::string config = "simple";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].is_word("content") && i + 2 < args.size() && args[i + 1].is("=") && args[i + 2].value.empty())
      return "";  // content='': contentless
    if (args[i].value.find("porter") != std::string::npos || args[i].is_word("porter")) config = "english";
  }
  return config;
}

std::string virtual_table_note(const Table &table, const std::vector<std::string> &shadow) {
  std::string shadows = shadow_tables_of(table.name, shadow);
  std::string note = "a virtual table (" + virtual_module(table.sql) + "); not migrated";
  if (!shadows.empty()) note += ", nor the shadow tables that hold its data (" + shadows + ")";
  return note;
}

}  // namespace

SourceCatalog read_source_catalog(const Database &db, bool fulltext) {
  SourceCatalog catalog;
  SchemaListing listing = read_schema(db);
  catalog.skipped = listing.skipped;
  std::unordered_map<std::string, int64_t> seq = read_sqlite_sequence(db);
  SchemaObjects objects = read_schema_objects(db);
  KeyReaders keys(db);
  for (Table &table : listing.tables) {
    if (table.is_view) {
      SourceView view;
      view.name = table.name;
      for (const std::string &trigger : objects.triggers[table.name])
        view.notes.push_back("trigger \"" + trigger + "\" not migrated: a trigger is SQLite code, which is not translated");
      for (const Column &c : table.columns) view.columns.push_back(c.name);
      try {
        view.definition = parse_create_view(table.sql);
      } catch (const Error &e) {
        view.parse_error = e.what();
      }
      catalog.views.push_back(std::move(view));
      continue;
    }
    SourceTable source;
    if (std::string reason = table.is_virtual ? "" : db.unreadable_reason(table.name); !reason.empty()) {
      catalog.skipped.push_back({table.name, reason});
      continue;
    }
    if (table.is_virtual) {
      std::string config = fulltext ? fulltext_config(table, &source.fulltext_module) : "";
      if (config.empty()) {
        catalog.skipped.push_back({table.name, virtual_table_note(table, listing.shadow)});
        continue;
      }
      // Read as a table: its rowid first, as a key column, then its text columns.
      Column rowid;
      rowid.name = "rowid";
      rowid.declared_type = "BIGINT";
      rowid.not_null = true;
      rowid.primary_key_position = 1;
      table.columns.insert(table.columns.begin(), rowid);
      source.fulltext_config = config;
      source.ddl.name = table.name;
      source.types = resolve_column_types(db, table);
      for (ColumnType &type : source.types) type.notice.clear();  // FTS columns are untyped by design
      source.table = std::move(table);
      catalog.tables.push_back(std::move(source));
      continue;
    }
    try {
      source.ddl = parse_create_table(table.sql);
    } catch (const Error &e) {
      source.ddl_read = false;
      source.ddl.name = table.name;
      source.notes.push_back(std::string("its CREATE TABLE text does not parse (") + e.what() +
                             "): migrated from SQLite's own catalog, without CHECK constraints, constraint names "
                             "and generated expressions");
    }
    source.sequence_floor = sequence_floor(db, table, seq);
    source.types = resolve_column_types(db, table);
    source.table = std::move(table);
    source.primary_key_name = primary_key_name(source);
    source.primary_key_has_nulls = primary_key_has_nulls(db, source.table);
    read_uniques(keys, source);
    read_foreign_keys(keys, source);
    for (const auto &[name, sql] : objects.indexes[source.table.name]) {
      try {
        source.indexes.push_back(parse_create_index(sql));
      } catch (const Error &e) {
        source.notes.push_back("index \"" + name + "\" skipped: its SQL does not parse (" + e.what() + ")");
      }
    }
    for (const std::string &trigger : objects.triggers[source.table.name])
      source.notes.push_back("trigger \"" + trigger + "\" not migrated: a trigger is SQLite code, which is not translated");
    catalog.tables.push_back(std::move(source));
  }
  for (SkippedTable &s : catalog.skipped)  // its triggers are not migrated either: say so
    for (const std::string &trigger : objects.triggers[s.name])
      s.reason += "; its trigger \"" + trigger + "\" is not migrated either";
  return catalog;
}

}  // namespace hangar
