// hangar_export(): the reverse migration, a PostgreSQL schema back into a SQLite file the app can
// use again (the rollback path of the seed plan).
//
// The file is written new, beside the target, in one SQLite transaction, verified, and only then
// renamed over the target (durably): a failure leaves the target as it was. Where the schema was
// made by hangar_migrate (hangar.migrations names it), the SQLite schema the app had is replayed
// from the record (record.cpp): each table's CREATE TABLE as written, then the data, then its
// indexes, triggers and views as written. A column added in PostgreSQL since is added with ALTER
// TABLE ADD COLUMN; a column dropped since is dropped where SQLite can (else an error names it); a
// column whose type changed is an error naming it. Tables made in PostgreSQL after the migration
// (or every table of a schema never migrated) get the DDL SQLAlchemy emits on SQLite for the
// equivalent model. Values are written by convert/value_write in the form the column's recorded
// newest value had, so the app reads what it always read. sqlite_sequence ends above every id
// PostgreSQL handed out, and alembic_version comes along like any table.
#include "migrate/migrate.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "storage/fd.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "convert/value_write.hpp"
#include "core/ascii_case.hpp"
#include "core/ddl_parser.hpp"
#include "core/migration_planner.hpp"
#include "core/schema_reader.hpp"
#include "core/sqlite_db.hpp"
#include "core/sqlite_query.hpp"
#include "core/stored_form.hpp"
#include "core/type_map.hpp"
#include "pg/error_bridge.hpp"
#include "pg/quoting.hpp"

namespace hangar {

namespace {

using Row = TextRow;

// A read-only catalog query (of the hangar catalog as its owner when as_owner).
std::vector<Row> query(const std::string &sql, bool as_owner = false) {
  return spi_text_rows(sql, true, as_owner ? "migrations" : nullptr);
}

struct RecordedColumn {
  std::string sqlite_name, target_column, target_type;
  bool target_not_null = false;
  std::optional<std::string> sample_type, sample;
};

struct RecordedTable {
  std::string sqlite_name, target_table;
  std::optional<int64> sqlite_sequence;
  std::string constraints;  // as the migration made them (constraints_signature_query)
  std::vector<RecordedColumn> columns;
};

struct RecordedObject {
  std::string type, name, table_name, sql;
};

struct PgColumn {
  std::string name, type;  // type as format_type spells it
  Oid type_oid = InvalidOid;
  AttrNumber attnum = 0;
  bool not_null = false;
  int max_enum_label = 0;  // an enum's longest label, in characters
};

struct PgTable {
  Oid relid = InvalidOid;
  std::string name;
  std::vector<PgColumn> columns;
};

// One table of the export: where it comes from and what the SQLite file gets.
struct ExportTable {
  PgTable pg;
  const RecordedTable *recorded = nullptr;   // nullptr: made in PostgreSQL after the migration
  std::string sqlite_name;
  std::vector<std::string> notes;
  int64 rows = 0;
  double seconds = 0;
};

// The SQLite type SQLAlchemy emits on SQLite for a PostgreSQL column's type.
std::string sqlalchemy_type(const PgColumn &c) {
  switch (c.type_oid) {
    case INT2OID:
    case INT4OID: return "INTEGER";
    case INT8OID: return "BIGINT";
    case BOOLOID: return "BOOLEAN";
    case FLOAT4OID: return "REAL";
    case FLOAT8OID: return "FLOAT";
    case TEXTOID: return "TEXT";
    case TIMESTAMPOID:
    case TIMESTAMPTZOID: return "DATETIME";
    case DATEOID: return "DATE";
    case TIMEOID: return "TIME";
    case JSONOID:
    case JSONBOID: return "JSON";
    case BYTEAOID: return "BLOB";
    case UUIDOID: return "CHAR(32)";
    default: break;
  }
  if (c.max_enum_label > 0) return "VARCHAR(" + std::to_string(c.max_enum_label) + ")";
  auto with_modifier = [&](const std::string &prefix, const std::string &sqlite) -> std::optional<std::string> {
    if (c.type.rfind(prefix, 0) != 0) return std::nullopt;
    std::string modifier = c.type.substr(prefix.size());
    return sqlite + (modifier.empty() ? "" : modifier);
  };
  if (auto t = with_modifier("character varying", "VARCHAR")) return *t;
  if (auto t = with_modifier("numeric", "NUMERIC")) return *t;
  if (auto t = with_modifier("character", "CHAR")) return *t;
  return "TEXT";
}

class Export {
 public:
  explicit Export(const ExportRequest &request) : request_(request) {}

  ~Export() {
    db_.reset();
    if (!renamed_ && !temp_path_.empty()) remove_file_set(temp_path_);
  }

  std::vector<ReportRow> run() {
    check_arguments();
    load_record();
    load_pg_tables();
    open_new_file();
    db_->exec("BEGIN");
    for (ExportTable &t : tables_) create_table(t);
    for (ExportTable &t : tables_) copy_rows(t);
    for (ExportTable &t : tables_) move_sqlite_sequence(t);
    create_indexes_triggers_and_views();
    db_->exec("COMMIT");
    check_integrity();
    db_.reset();
    std::vector<ReportRow> rows = report();
    if (request_.verify) verify(rows);
    replace_target();
    return rows;
  }

 private:
  // --- arguments and what to export ----------------------------------------------------------

  void check_arguments() {
    const char *target = request_.target;
    pg_guard([&] {
      check_write_server_files_privilege("export into a SQLite file");
      check_absolute_database_path(target);
    });
    target_ = request_.target;
    struct stat st;
    if (stat(target_.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode))
        throw Error("58000", "cannot export into \"" + target_ + "\": it is a directory");
      if (!request_.replace)
        throw Error("58P02", "SQLite file \"" + target_ + "\" already exists", "",
                    "Pass if_exists => 'replace' to replace it once the export is complete and verified.");
    }
    // The new file is written beside the target and renamed over it: the folder must be writable.
    std::string folder = target_.substr(0, target_.find_last_of('/'));
    if (access(folder.empty() ? "/" : folder.c_str(), W_OK) != 0)
      throw Error("42501", "cannot export into \"" + target_ + "\"",
                  "Its folder is not writable by the server's operating-system user; the export writes a new file "
                  "there and renames it over the target.");
    const char *schema = request_.source_schema;
    namespace_oid_ = pg_guard([&] { return get_namespace_oid(schema, false); });
  }

  void load_record() {
    PostgresQuoter quote;
    std::vector<Row> runs = query("SELECT run_id FROM hangar.migrations WHERE target_schema = " +
                                      quote.literal(request_.source_schema) + " ORDER BY run_id DESC LIMIT 1",
                                  true);
    if (runs.empty()) return;
    std::string run = *runs[0][0];
    for (const Row &r : query("SELECT type, name, table_name, sql FROM hangar.migrated_objects WHERE run_id = " + run +
                                  " ORDER BY position",
                              true))
      objects_.push_back({*r[0], *r[1], *r[2], *r[3]});
    for (const Row &r : query("SELECT sqlite_name, target_table, sqlite_sequence, constraints FROM "
                              "hangar.migrated_tables WHERE run_id = " + run,
                              true)) {
      RecordedTable t{*r[0], *r[1], std::nullopt, *r[3], {}};
      if (r[2]) t.sqlite_sequence = std::stoll(*r[2]);
      recorded_[t.target_table] = t;
    }
    for (const Row &r : query("SELECT sqlite_table, sqlite_name, target_column, target_type, target_not_null, "
                              "sample_type, sample FROM hangar.migrated_columns WHERE run_id = " + run +
                                  " ORDER BY sqlite_table, position",
                              true))
      for (auto &entry : recorded_)
        if (entry.second.sqlite_name == *r[0])
          entry.second.columns.push_back({*r[1], *r[2], *r[3], *r[4] == "t", r[5], r[6]});
  }

  void load_pg_tables() {
    std::string nsp = std::to_string(namespace_oid_);
    PostgresQuoter quote;
    for (const Row &r : query(constraints_signature_query(quote.literal(request_.source_schema))))
      current_constraints_[*r[0]] = *r[1];
    std::vector<PgTable> found;
    for (const Row &r : query("SELECT c.oid, c.relname FROM pg_catalog.pg_class c WHERE c.relnamespace = " + nsp +
                              " AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname")) {
      PgTable t;
      t.relid = static_cast<Oid>(std::stoul(*r[0]));
      t.name = *r[1];
      for (const Row &c : query(
               "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypid, a.attnum, a.attnotnull, "
               "(SELECT max(pg_catalog.length(e.enumlabel)) FROM pg_catalog.pg_enum e WHERE e.enumtypid = a.atttypid) "
               "FROM pg_catalog.pg_attribute a WHERE a.attrelid = " + *r[0] +
               " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"))
        t.columns.push_back({*c[0], *c[1], static_cast<Oid>(std::stoul(*c[2])),
                             static_cast<AttrNumber>(std::stoi(*c[3])), *c[4] == "t", c[5] ? std::stoi(*c[5]) : 0});
      found.push_back(std::move(t));
    }
    // Recorded tables in the order the app created them, then the new ones by name.
    std::vector<std::string> order;
    for (const RecordedObject &o : objects_)
      if (o.type == "table")
        for (const auto &entry : recorded_)
          if (entry.second.sqlite_name == o.name) order.push_back(entry.first);
    auto rank = [&](const PgTable &t) {
      auto at = std::find(order.begin(), order.end(), t.name);
      return at == order.end() ? order.size() : static_cast<size_t>(at - order.begin());
    };
    std::stable_sort(found.begin(), found.end(), [&](const PgTable &a, const PgTable &b) { return rank(a) < rank(b); });
    for (PgTable &t : found) {
      ExportTable e;
      e.pg = std::move(t);
      auto recorded = recorded_.find(e.pg.name);
      if (recorded != recorded_.end()) e.recorded = &recorded->second;
      e.sqlite_name = e.recorded ? e.recorded->sqlite_name : e.pg.name;
      tables_.push_back(std::move(e));
    }
  }

  // --- the new file --------------------------------------------------------------------------

  static void remove_file_set(const std::string &path) {
    for (const char *suffix : {"", "-journal", "-wal", "-shm"}) unlink((path + suffix).c_str());
  }

  void open_new_file() {
    temp_path_ = target_ + ".hangar-export-" + std::to_string(getpid());
    remove_file_set(temp_path_);
    Database::OpenOptions options;
    options.read_only = false;
    options.create = true;
    db_ = std::make_unique<Database>(temp_path_, options);
  }

  const RecordedObject *recorded_create(const ExportTable &t) const {
    for (const RecordedObject &o : objects_)
      if (o.type == "table" && o.name == t.sqlite_name) return &o;
    return nullptr;
  }

  void create_table(ExportTable &t) {
    const RecordedObject *original = t.recorded ? recorded_create(t) : nullptr;
    if (original && original->sql.rfind("CREATE VIRTUAL TABLE", 0) == 0) {
      t.notes.push_back("a virtual table in SQLite: not exported");
      t.recorded = nullptr;
      t.sqlite_name.clear();
      return;
    }
    if (!original) {
      t.recorded = nullptr;
      create_rendered(t, nullptr);
      t.notes.push_back("made in PostgreSQL: created as SQLAlchemy creates it on SQLite");
      return;
    }
    check_types_unchanged(t);
    std::vector<std::string> dropped;
    bool nullability_changed = false;
    for (const RecordedColumn &c : t.recorded->columns) {
      const PgColumn *now = pg_column(t, c.target_column);
      if (!now) dropped.push_back(c.sqlite_name);
      nullability_changed = nullability_changed || (now && now->not_null != c.target_not_null);
    }
    check_no_app_object_uses(t, dropped);
    if (!dropped.empty() || nullability_changed || current_constraints_[t.pg.name] != t.recorded->constraints) {
      // Columns dropped, NOT NULL or constraints changed in PostgreSQL since the migration (an
      // Alembic revision, say): the table is written anew, as Alembic's batch mode rebuilds a
      // table on SQLite, keeping the app's column definitions and taking the columns, NOT NULL
      // and constraints PostgreSQL has now.
      TableDefinition definition = parse_create_table(original->sql);
      create_rendered(t, &definition);
      for (const std::string &name : dropped) t.notes.push_back("column " + name + " dropped (as in PostgreSQL)");
      t.notes.push_back("table rebuilt with the columns and constraints PostgreSQL has now");
      return;
    }
    db_->exec(original->sql);
    // Columns added in PostgreSQL since the migration.
    for (const PgColumn &c : t.pg.columns) {
      if (recorded_column(t, c.name)) continue;
      db_->exec("ALTER TABLE " + quote_sqlite_identifier(t.sqlite_name) + " ADD COLUMN " +
                quote_sqlite_identifier(c.name) + " " + sqlalchemy_type(c));
      t.notes.push_back("column " + c.name + " added (new in PostgreSQL" +
                        std::string(c.not_null ? "; NOT NULL not kept: SQLite adds a column NOT NULL only with a "
                                                 "default)"
                                               : ")"));
    }
  }

  // A column dropped in PostgreSQL that the app's own triggers or views still use: SQLite would
  // take them and fail when they run, so the export refuses by name.
  void check_no_app_object_uses(const ExportTable &t, const std::vector<std::string> &dropped) const {
    if (dropped.empty()) return;
    for (const RecordedObject &o : objects_) {
      if (o.type != "trigger" && o.type != "view") continue;
      std::vector<Token> tokens = tokenize_sql(o.sql);
      bool names_table = false;
      for (const Token &token : tokens) names_table = names_table || (token.is_name() && identifier_equals(token, t.sqlite_name));
      if (!names_table) continue;
      for (const std::string &column : dropped)
        for (const Token &token : tokens)
          if (token.is_name() && identifier_equals(token, column))
            throw Error("0A000", "column \"" + column + "\" of table \"" + t.sqlite_name +
                                     "\" was dropped in PostgreSQL, but the app's " + o.type + " \"" + o.name +
                                     "\" uses it",
                        "hangar_export recreates the app's triggers and views as written.",
                        "Change or drop the " + o.type + " to match (in the app's schema), or keep the column.");
    }
  }

  // A column whose type PostgreSQL changed has no declared type in the app's SQLite schema.
  void check_types_unchanged(const ExportTable &t) const {
    for (const RecordedColumn &c : t.recorded->columns) {
      const PgColumn *now = pg_column(t, c.target_column);
      if (now && now->type != c.target_type)
        throw Error("0A000", "column \"" + c.target_column + "\" of table \"" + t.pg.name + "\" changed type in "
                                 "PostgreSQL from " + c.target_type + " to " + now->type +
                                 ", which the SQLite table it came from cannot express",
                    "SQLite cannot change a column's declared type without rebuilding the table.");
    }
  }

  const PgColumn *pg_column(const ExportTable &t, const std::string &name) const {
    for (const PgColumn &c : t.pg.columns)
      if (c.name == name) return &c;
    return nullptr;
  }

  const RecordedColumn *recorded_column(const ExportTable &t, const std::string &pg_name) const {
    if (!t.recorded) return nullptr;
    for (const RecordedColumn &c : t.recorded->columns)
      if (c.target_column == pg_name) return &c;
    return nullptr;
  }

  // SQLite's names for a PostgreSQL table and its columns: the recorded ones, else the same.
  std::string sqlite_column_name(const ExportTable &t, const std::string &pg_name) const {
    const RecordedColumn *c = recorded_column(t, pg_name);
    return c ? c->sqlite_name : pg_name;
  }
  const ExportTable *export_table(const std::string &pg_name) const {
    for (const ExportTable &t : tables_)
      if (t.pg.name == pg_name) return &t;
    return nullptr;
  }

  std::string sqlite_column_list(const ExportTable &t, const std::vector<std::string> &pg_names) const {
    std::string list;
    for (const std::string &n : pg_names) list += (list.empty() ? "" : ", ") + quote_sqlite_identifier(sqlite_column_name(t, n));
    return list;
  }

  struct PgConstraint {
    std::string name, kind;
    std::vector<std::string> columns;
    std::optional<std::string> parent;  // FOREIGN KEY: the parent table in this schema
    std::vector<std::string> parent_columns;
    std::string on_delete, on_update, definition;
    bool deferrable = false, deferred = false;
  };

  static std::vector<std::string> split_names(const std::optional<std::string> &joined) {
    std::vector<std::string> names;
    if (!joined) return names;
    size_t start = 0;
    for (size_t at; (at = joined->find('\x1f', start)) != std::string::npos; start = at + 1)
      names.push_back(joined->substr(start, at - start));
    names.push_back(joined->substr(start));
    return names;
  }

  std::vector<PgConstraint> pg_constraints(const ExportTable &t) {
    auto names = [](const char *keys, const char *rel) {
      return std::string("(SELECT pg_catalog.string_agg(a.attname, E'\\x1f' ORDER BY k.ord) FROM pg_catalog.unnest(c.") +
             keys + ") WITH ORDINALITY k(n, ord) JOIN pg_catalog.pg_attribute a ON a.attrelid = c." + rel +
             " AND a.attnum = k.n)";
    };
    std::vector<PgConstraint> constraints;
    for (const Row &r : query("SELECT c.conname, c.contype, " + names("conkey", "conrelid") + ", CASE WHEN p.relnamespace = " +
                              std::to_string(namespace_oid_) + " THEN p.relname END, " + names("confkey", "confrelid") +
                              ", c.confdeltype, c.confupdtype, c.condeferrable, c.condeferred, "
                              "pg_catalog.pg_get_constraintdef(c.oid) FROM pg_catalog.pg_constraint c "
                              "LEFT JOIN pg_catalog.pg_class p ON p.oid = c.confrelid WHERE c.conrelid = " +
                              std::to_string(t.pg.relid) + " AND c.contype IN ('p', 'u', 'c', 'f') "
                              "ORDER BY pg_catalog.strpos('pucf', c.contype::text), c.conname")) {
      PgConstraint c;
      c.name = *r[0];
      c.kind = *r[1];
      c.columns = split_names(r[2]);
      c.parent = r[3];
      c.parent_columns = split_names(r[4]);
      c.on_delete = *r[5];
      c.on_update = *r[6];
      c.deferrable = *r[7] == "t";
      c.deferred = *r[8] == "t";
      c.definition = *r[9];
      constraints.push_back(std::move(c));
    }
    return constraints;
  }

  // CREATE TABLE for a table made in PostgreSQL (original null), as SQLAlchemy emits it on
  // SQLite, or for a migrated table whose constraints changed since (original: its parsed DDL,
  // whose column definitions are kept as the app wrote them). Columns, NOT NULL and constraints
  // are PostgreSQL's now. A CHECK keeps the app's own text where the app named it so, and one
  // on an enum column is kept as the app wrote it; other CHECKs are translated from PostgreSQL's
  // text, and one SQLite does not take is left out and reported.
  void create_rendered(ExportTable &t, const TableDefinition *original) {
    std::vector<PgConstraint> constraints = pg_constraints(t);
    std::vector<std::string> translated_checks;
    std::string sql = render_table(t, original, constraints, true, &translated_checks);
    if (sqlite3_exec(db_->handle(), sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return;
    if (translated_checks.empty()) db_->exec(sql);  // raises SQLite's error
    translated_checks.clear();
    db_->exec(render_table(t, original, constraints, false, &translated_checks));
    for (const std::string &name : translated_checks)
      t.notes.push_back("CHECK " + name + " not exported: SQLite does not read its PostgreSQL text");
  }

  std::string render_table(const ExportTable &t, const TableDefinition *original,
                           const std::vector<PgConstraint> &constraints, bool with_translated_checks,
                           std::vector<std::string> *translated_checks) const {
    const PgConstraint *primary_key = nullptr;
    for (const PgConstraint &c : constraints)
      if (c.kind == "p") primary_key = &c;
    auto original_column = [&](const std::string &sqlite_name) -> const ColumnDefinition * {
      if (!original) return nullptr;
      for (const ColumnDefinition &c : original->columns)
        if (c.name == sqlite_name) return &c;
      return nullptr;
    };
    bool column_level_key = false;
    std::vector<std::string> lines;
    for (const PgColumn &c : t.pg.columns) {
      std::string sqlite_name = sqlite_column_name(t, c.name);
      const ColumnDefinition *def = original_column(sqlite_name);
      bool single_key = primary_key && primary_key->columns.size() == 1 && primary_key->columns[0] == c.name;
      bool integer = c.type_oid == INT2OID || c.type_oid == INT4OID || c.type_oid == INT8OID;
      std::string line = quote_sqlite_identifier(sqlite_name);
      std::string type = def ? def->type : single_key && integer ? "INTEGER" : sqlalchemy_type(c);
      if (!type.empty()) line += " " + type;
      if (def && def->autoincrement && single_key) {
        line += " PRIMARY KEY AUTOINCREMENT";
        column_level_key = true;
      }
      if (c.not_null) line += " NOT NULL";
      if (def && !def->default_value.empty()) {
        std::string value = tokens_text(def->default_value);
        line += " DEFAULT " + (def->default_value.size() == 1 ? value : "(" + value + ")");
      }
      if (def && !def->collation.empty()) line += " COLLATE " + def->collation;
      if (def && !def->generated.empty())
        line += " GENERATED ALWAYS AS (" + tokens_text(def->generated) + ")" + (def->generated_stored ? " STORED" : " VIRTUAL");
      lines.push_back(line);
    }
    auto original_named = [&](const std::string &name) -> const TableConstraint * {
      if (!original) return nullptr;
      for (const TableConstraint &c : original->constraints)
        if (!c.name.empty() && c.name == name) return &c;
      return nullptr;
    };
    auto name_clause = [&](const PgConstraint &c) {
      // unnamed in the app's DDL stays unnamed (PostgreSQL made the name up); named ones keep it
      bool from_app = original_named(c.name) != nullptr || !recorded_constraint(t, c.name);
      return from_app ? "CONSTRAINT " + quote_sqlite_identifier(c.name) + " " : std::string();
    };
    for (const PgConstraint &c : constraints) {
      if (c.kind == "p") {
        // SQLAlchemy leaves a primary key unnamed; only the app's own name is kept
        std::string name = original_named(c.name) ? "CONSTRAINT " + quote_sqlite_identifier(c.name) + " " : "";
        if (!column_level_key) lines.push_back(name + "PRIMARY KEY (" + sqlite_column_list(t, c.columns) + ")");
      } else if (c.kind == "u") {
        lines.push_back(name_clause(c) + "UNIQUE (" + sqlite_column_list(t, c.columns) + ")");
      } else if (c.kind == "f") {
        const ExportTable *parent = c.parent ? export_table(*c.parent) : nullptr;
        if (!parent || parent->sqlite_name.empty()) continue;  // reported below
        lines.push_back(name_clause(c) + "FOREIGN KEY(" + sqlite_column_list(t, c.columns) + ") REFERENCES " +
                        quote_sqlite_identifier(parent->sqlite_name) + " (" + sqlite_column_list(*parent, c.parent_columns) +
                        ")" + referential_action(" ON DELETE ", c.on_delete) + referential_action(" ON UPDATE ", c.on_update) +
                        (c.deferrable ? (c.deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE INITIALLY IMMEDIATE") : ""));
      } else if (const TableConstraint *mine = original_named(c.name); mine && mine->kind == ConstraintKind::Check) {
        lines.push_back("CONSTRAINT " + quote_sqlite_identifier(c.name) + " CHECK (" + tokens_text(mine->check) + ")");
      } else {
        translated_checks->push_back(c.name);
        if (with_translated_checks)
          lines.push_back(name_clause(c) + "CHECK (" + sqlite_check_expression(c.definition) + ")");
      }
    }
    // An enum column's CHECK: PostgreSQL holds it as the enum type, the app's DDL as a CHECK.
    if (original)
      for (const TableConstraint &c : original->constraints)
        if (c.kind == ConstraintKind::Check && !has_constraint(constraints, c.name) && checks_enum_column(t, c))
          lines.push_back((c.name.empty() ? "" : "CONSTRAINT " + quote_sqlite_identifier(c.name) + " ") + "CHECK (" +
                          tokens_text(c.check) + ")");
    std::string sql = "CREATE TABLE " + quote_sqlite_identifier(t.sqlite_name) + " (";
    for (size_t i = 0; i < lines.size(); ++i) sql += (i ? ", \n\t" : "\n\t") + lines[i];
    sql += "\n)";
    if (original && original->without_rowid) sql += " WITHOUT ROWID";
    return sql;
  }

  bool recorded_constraint(const ExportTable &t, const std::string &name) const {
    if (!t.recorded) return false;
    const std::string &all = t.recorded->constraints;
    for (size_t start = 0; start < all.size();) {
      size_t end = all.find('\n', start);
      std::string line = all.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (line.size() > 2 && line.compare(2, name.size() + 1, name + " ") == 0) return true;
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return false;
  }

  static bool has_constraint(const std::vector<PgConstraint> &constraints, const std::string &name) {
    for (const PgConstraint &c : constraints)
      if (!name.empty() && c.name == name) return true;
    return false;
  }

  bool checks_enum_column(const ExportTable &t, const TableConstraint &check) const {
    for (const Token &token : check.check)
      for (const PgColumn &c : t.pg.columns)
        if (c.max_enum_label > 0 && identifier_equals(token, sqlite_column_name(t, c.name))) return true;
    return false;
  }

  // SQLite matches names ignoring ASCII case only.
  static bool identifier_equals(const Token &token, const std::string &name) { return ascii_iequals(token.value, name); }

  // Whether the text is one parenthesized expression, "(...)" with the first parenthesis closing last.
  static bool enclosed_in_parentheses(const std::string &text) {
    if (text.size() < 2 || text.front() != '(' || text.back() != ')') return false;
    int depth = 0;
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c == '\'') quoted = !quoted;
      if (quoted) continue;
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (depth == 0 && i + 1 < text.size()) return false;
    }
    return depth == 0;
  }

  // A CHECK's PostgreSQL text ("CHECK ((price >= (0)::numeric))") as SQLite reads it: without its
  // casts, and with "= ANY (ARRAY[...])" as IN. SQLite itself decides whether it takes the result.
  static std::string sqlite_check_expression(const std::string &definition) {
    static const std::regex kNotValid(R"( NOT VALID$)");
    static const std::regex kCast(R"(::(\"[^\"]+\"|[a-z_][a-z0-9_]*)( (varying|precision|without time zone|with time zone))*(\([0-9, ]+\))?(\[\])?)");
    // "x = ANY (ARRAY[...])", or with the array in its own parentheses once its cast is gone
    static const std::regex kAny(R"( = ANY \((?:ARRAY\[([^\]]*)\]|\(ARRAY\[([^\]]*)\]\))\))");
    static const std::regex kAll(R"( <> ALL \((?:ARRAY\[([^\]]*)\]|\(ARRAY\[([^\]]*)\]\))\))");
    std::string e = std::regex_replace(definition, kNotValid, "");
    if (e.rfind("CHECK ", 0) == 0) e = e.substr(6);
    // PostgreSQL writes CHECK ((a >= 0)): one pair for CHECK, one around the expression
    for (int pair = 0; pair < 2 && enclosed_in_parentheses(e); ++pair) e = e.substr(1, e.size() - 2);
    e = std::regex_replace(e, kCast, "");
    e = std::regex_replace(e, kAny, " IN ($1$2)");
    e = std::regex_replace(e, kAll, " NOT IN ($1$2)");
    return e;
  }

  static std::string referential_action(const char *clause, const std::string &code) {
    if (code == "c") return std::string(clause) + "CASCADE";
    if (code == "n") return std::string(clause) + "SET NULL";
    if (code == "d") return std::string(clause) + "SET DEFAULT";
    if (code == "r") return std::string(clause) + "RESTRICT";
    return "";
  }

  // --- rows ----------------------------------------------------------------------------------

  void copy_rows(ExportTable &t) {
    if (t.sqlite_name.empty()) return;
    instr_time start;
    INSTR_TIME_SET_CURRENT(start);
    Table sqlite_table = read_table(*db_, t.sqlite_name);
    PostgresQuoter quote;
    std::vector<std::string> sqlite_columns;
    std::string select;
    std::vector<const PgColumn *> pg_columns;
    std::vector<Affinity> affinities;
    std::vector<StoredForm> forms;
    for (const Column &sc : sqlite_table.columns) {
      if (sc.hidden >= 2) continue;  // SQLite computes its generated columns
      const PgColumn *pc = nullptr;
      const RecordedColumn *rc = nullptr;
      for (const PgColumn &c : t.pg.columns) {
        const RecordedColumn *r = recorded_column(t, c.name);
        if ((r && r->sqlite_name == sc.name) || (!r && c.name == sc.name)) pc = &c, rc = r;
      }
      if (!pc) continue;
      sqlite_columns.push_back(sc.name);
      pg_columns.push_back(pc);
      affinities.push_back(affinity_of(sc.declared_type));
      forms.push_back(stored_form_of(rc));
      if (!rc && pc->type_oid == UUIDOID) forms.back().uuid_hex = true;  // CHAR(32), as SQLAlchemy's Uuid
      select += (select.empty() ? "" : ", ") + quote.ident(pc->name);
    }
    std::string insert = insert_sql(t.sqlite_name, sqlite_columns, false, {});
    std::string from = quote.qualified(request_.source_schema, t.pg.name);
    std::vector<std::string> identity = row_identity(t.pg);  // selected after the columns, to name a row in an error
    for (const std::string &c : identity) select += ", " + quote.ident(c);
    t.rows = copy_query_rows(t, select.empty() ? "" : "SELECT " + select + " FROM " + from, insert, pg_columns,
                             affinities, forms, identity);
    t.seconds = seconds_since(start);
    const char *name = palloc_string(t.sqlite_name);
    int64 rows = t.rows;
    double seconds = t.seconds;
    pg_guard([&] {
      ereport(NOTICE, (errmsg_plural("table \"%s\": exported " INT64_FORMAT " row in %.2f s",
                                     "table \"%s\": exported " INT64_FORMAT " rows in %.2f s", rows, name, rows,
                                     seconds)));
    });
  }

  static StoredForm stored_form_of(const RecordedColumn *c) {
    if (!c || !c->sample_type) return StoredForm();
    std::string text = c->sample ? *c->sample : "";
    SqliteValue v;
    v.type = *c->sample_type == "integer" ? SQLITE_INTEGER : *c->sample_type == "real" ? SQLITE_FLOAT : SQLITE_TEXT;
    v.bytes = text.c_str();
    v.length = static_cast<int>(text.size());
    return learn_stored_form(v);  // reads the text now, while it lives
  }

  // What names a row of table t in an error: its primary key's columns, else its ctid.
  static std::vector<std::string> row_identity(const PgTable &t) {
    std::vector<std::string> columns;
    for (const Row &r : query("SELECT a.attname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a ON "
                              "a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indisprimary AND "
                              "i.indrelid = " + std::to_string(t.relid) +
                              " ORDER BY pg_catalog.array_position(i.indkey::int2[], a.attnum)"))
      columns.push_back(*r[0]);
    if (columns.empty()) columns.push_back("ctid");
    return columns;
  }

  // Streams the query's rows through a cursor into the prepared INSERT; returns the row count.
  // The query's columns after the n written name the row in an error (identity).
  int64 copy_query_rows(const ExportTable &t, const std::string &select, const std::string &insert,
                        const std::vector<const PgColumn *> &columns, const std::vector<Affinity> &affinities,
                        const std::vector<StoredForm> &forms, const std::vector<std::string> &identity) {
    if (select.empty()) return 0;
    int n = static_cast<int>(columns.size());
    const char *select_text = palloc_string(select);
    const char *insert_text = palloc_string(insert);
    const char *table = palloc_string(t.sqlite_name);
    const char *schema = request_.source_schema;
    ValueWriter *writers = palloc_items<ValueWriter>(static_cast<size_t>(n) + 1);
    Oid *types = palloc_items<Oid>(static_cast<size_t>(n) + 1);
    const char **names = palloc_items<const char *>(static_cast<size_t>(n) + 1);
    for (int i = 0; i < n; ++i) {
      types[i] = columns[static_cast<size_t>(i)]->type_oid;
      names[i] = palloc_string(columns[static_cast<size_t>(i)]->name);
    }
    RowNaming naming;
    naming.table = palloc_string(PostgresQuoter().qualified(request_.source_schema, t.pg.name));
    naming.first = n;
    naming.count = static_cast<int>(identity.size());
    naming.names = palloc_items<const char *>(identity.size());
    for (size_t i = 0; i < identity.size(); ++i) naming.names[i] = palloc_string(identity[i]);
    sqlite3 *db = db_->handle();
    int64 rows = 0;
    pg_guard([&] {
      ServerOptions utc;
      for (int i = 0; i < n; ++i) {
        ColumnOptions column;
        column.column_name = names[i];
        writer_init(&writers[i], types[i], affinities[static_cast<size_t>(i)], forms[static_cast<size_t>(i)], column,
                    utc, table);
      }
      rows = copy_cursor(db, select_text, insert_text, writers, n, schema, &naming);
    });
    return rows;
  }

  // The row being written, for the error context: its identity columns in the cursor's rows.
  struct RowNaming {
    const char *table;   // quoted and qualified
    const char **names;  // the identity columns
    int first;           // the first one's index in the cursor's columns
    int count;
    HeapTuple row = nullptr;
    TupleDesc desc = nullptr;
  };

  // "PostgreSQL row of s.t with id = 3", when a row's value cannot be written.
  static void name_row(void *arg) {
    const RowNaming *naming = static_cast<const RowNaming *>(arg);
    if (!naming->row) return;
    StringInfoData values;
    initStringInfo(&values);
    for (int i = 0; i < naming->count; ++i) {
      char *value = SPI_getvalue(naming->row, naming->desc, naming->first + i + 1);
      appendStringInfo(&values, "%s%s = %s", i ? ", " : "", naming->names[i], value ? value : "NULL");
    }
    errcontext("PostgreSQL row of %s with %s", naming->table, values.data);
  }

  // PostgreSQL zone: the cursor loop (no C++ objects live here).
  static int64 copy_cursor(sqlite3 *db, const char *select, const char *insert, const ValueWriter *writers, int n,
                           const char *schema, RowNaming *naming) {
    sqlite3_stmt *stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, insert, -1, &stmt, nullptr);
    if (rc != SQLITE_OK) report_sqlite_error(db, rc, "could not prepare an insert into the exported file");
    SPIPlanPtr plan = SPI_prepare(select, 0, nullptr);
    if (!plan) elog(ERROR, "hangar_export: could not read a table of schema \"%s\"", schema);
    Portal portal = SPI_cursor_open(nullptr, plan, nullptr, nullptr, true);
    MemoryContext row_context = AllocSetContextCreate(CurrentMemoryContext, "hangar_export row", ALLOCSET_DEFAULT_SIZES);
    int64 rows = 0;
    ErrorContextCallback callback;
    callback.callback = name_row;
    callback.arg = naming;
    callback.previous = error_context_stack;
    error_context_stack = &callback;
    PG_TRY();
    {
      for (;;) {
        SPI_cursor_fetch(portal, true, 1000);
        if (SPI_processed == 0) break;
        naming->desc = SPI_tuptable->tupdesc;
        for (uint64 r = 0; r < SPI_processed; ++r) {
          CHECK_FOR_INTERRUPTS();
          naming->row = SPI_tuptable->vals[r];
          MemoryContext old = MemoryContextSwitchTo(row_context);
          for (int i = 0; i < n; ++i) {
            bool isnull;
            Datum value = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, i + 1, &isnull);
            bind_written_value(&writers[i], stmt, i + 1, value, isnull);
          }
          rc = sqlite3_step(stmt);
          if (rc != SQLITE_DONE)
            report_sqlite_error(db, rc, psprintf("could not write a row of table \"%s\" into the exported file",
                                                 writers[0].table));
          sqlite3_reset(stmt);
          MemoryContextSwitchTo(old);
          MemoryContextReset(row_context);
          ++rows;
        }
        naming->row = nullptr;
        SPI_freetuptable(SPI_tuptable);
      }
    }
    PG_FINALLY();
    {
      error_context_stack = callback.previous;
      sqlite3_finalize(stmt);
    }
    PG_END_TRY();
    SPI_cursor_close(portal);
    MemoryContextDelete(row_context);
    return rows;
  }

  // --- sqlite_sequence -----------------------------------------------------------------------

  // An AUTOINCREMENT table's sqlite_sequence ends above every id PostgreSQL handed out: the
  // recorded value, the largest id, and the last value of the column's sequence.
  void move_sqlite_sequence(ExportTable &t) {
    if (t.sqlite_name.empty()) return;
    if (!has_sqlite_sequence(db_->handle())) return;
    Table table = read_table(*db_, t.sqlite_name);
    const Column *key = nullptr;
    for (const Column &c : table.columns)
      if (c.autoincrement) key = &c;
    if (!key) return;
    int64 seq = t.recorded && t.recorded->sqlite_sequence ? *t.recorded->sqlite_sequence : 0;
    Statement max_id(db_->handle(), "SELECT max(rowid) FROM " + quote_sqlite_identifier(t.sqlite_name));
    if (max_id.step() && !max_id.is_null(0)) seq = std::max(seq, max_id.column_int64(0));
    std::string pg_key = key->name;
    if (t.recorded)
      for (const RecordedColumn &c : t.recorded->columns)
        if (c.sqlite_name == key->name) pg_key = c.target_column;
    PostgresQuoter quote;
    std::vector<Row> owned = query("SELECT pg_catalog.pg_get_serial_sequence(" +
                                   quote.literal(quote.qualified(request_.source_schema, t.pg.name)) + ", " +
                                   quote.literal(pg_key) + ")");
    if (!owned.empty() && owned[0][0]) {
      std::vector<Row> last = query("SELECT last_value, is_called FROM " + *owned[0][0]);
      if (!last.empty() && *last[0][1] == "t") seq = std::max(seq, static_cast<int64>(std::stoll(*last[0][0])));
    }
    std::string name = quote_sqlite_literal(t.sqlite_name);
    db_->exec("DELETE FROM sqlite_sequence WHERE name = " + name + "; INSERT INTO sqlite_sequence (name, seq) VALUES (" +
              name + ", " + std::to_string(seq) + ")");
    t.notes.push_back("sqlite_sequence " + std::to_string(seq));
  }

  // --- indexes, triggers, views --------------------------------------------------------------

  // The app's indexes, triggers and views as written, then the indexes PostgreSQL has that the
  // app did not (made or renamed there since): an index dropped in PostgreSQL stays dropped.
  void create_indexes_triggers_and_views() {
    std::set<std::string> exported;
    for (const ExportTable &t : tables_)
      if (t.recorded) exported.insert(t.sqlite_name);
    std::set<std::string> pg_indexes;
    for (const Row &r : query("SELECT relname FROM pg_catalog.pg_class WHERE relkind = 'i' AND relnamespace = " +
                              std::to_string(namespace_oid_)))
      pg_indexes.insert(*r[0]);
    std::set<std::string> app_indexes;
    for (const RecordedObject &o : objects_) {
      if (o.type == "table") continue;
      if (o.type != "view" && !exported.count(o.table_name)) continue;
      if (o.type == "index") {
        app_indexes.insert(o.name);
        if (!pg_indexes.count(o.name)) continue;
      }
      if (sqlite3_exec(db_->handle(), o.sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        object_notes_.push_back(o.type + " " + o.name + " not recreated: " + sqlite3_errmsg(db_->handle()));
    }
    for (ExportTable &t : tables_)
      if (!t.sqlite_name.empty()) create_pg_indexes(t, app_indexes);
  }

  // The table's PostgreSQL indexes the app's schema lacks: plain column indexes (constraints made
  // theirs already).
  void create_pg_indexes(ExportTable &t, const std::set<std::string> &app_indexes) {
    for (const Row &r : query(
             "SELECT i.relname, x.indisunique, (SELECT pg_catalog.string_agg(a.attname, E'\\x1f' "
             "ORDER BY k.ord) FROM pg_catalog.unnest(x.indkey) WITH ORDINALITY k(n, ord) JOIN pg_catalog.pg_attribute a "
             "ON a.attrelid = x.indrelid AND a.attnum = k.n), x.indexprs IS NULL AND x.indpred IS NULL "
             "FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = " +
             std::to_string(t.pg.relid) +
             " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = x.indexrelid) "
             "ORDER BY i.relname")) {
      if (app_indexes.count(*r[0])) continue;
      if (*r[3] != "t") {
        t.notes.push_back("index " + *r[0] + " has expressions or a predicate: not exported");
        continue;
      }
      db_->exec(std::string(*r[1] == "t" ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + quote_sqlite_identifier(*r[0]) +
                " ON " + quote_sqlite_identifier(t.sqlite_name) + " (" + sqlite_column_list(t, split_names(r[2])) + ")");
    }
  }

  void check_integrity() {
    Statement check(db_->handle(), "PRAGMA integrity_check");
    if (!check.step() || check.column_text(0) != "ok")
      throw Error("XX001", "the exported SQLite file fails PRAGMA integrity_check",
                  "SQLite said: " + check.column_text(0) + ".");
  }

  // --- report, verification, replacing the target --------------------------------------------

  std::vector<ReportRow> report() {
    PostgresQuoter quote;
    std::vector<ReportRow> rows;
    for (const ExportTable &t : tables_) {
      ReportRow row;
      row.table_name = t.sqlite_name;
      row.target_table = quote.qualified(request_.source_schema, t.pg.name);
      row.has_counts = !t.sqlite_name.empty();
      row.rows = t.rows;
      row.seconds = t.seconds;
      for (const std::string &n : t.notes) row.detail += (row.detail.empty() ? "" : "; ") + n;
      rows.push_back(row);
    }
    if (!object_notes_.empty()) {
      ReportRow row;
      for (const std::string &n : object_notes_) row.detail += (row.detail.empty() ? "" : "; ") + n;
      rows.push_back(row);
    }
    return rows;
  }

  // Reads the new file back as hangar_verify reads a source, table by table.
  void verify(std::vector<ReportRow> &rows) {
    MigrationSource source;
    source.path = palloc_string(temp_path_);
    MigrationOptions options;
    options.target_schema = request_.source_schema;
    MigrationPlan plan;
    build_plan(source, options, &plan);
    sqlite3 *db = pg_guard([&] { return connection_acquire(source.path, source.server.busy_timeout_ms).handle(); });
    PostgresQuoter quote;
    for (ReportRow &row : rows) {
      if (row.table_name.empty()) continue;
      for (PlannedTable &planned : plan.tables) {
        if (planned.sqlite_name != row.table_name) continue;
        const ExportTable *t = nullptr;
        for (const ExportTable &e : tables_)
          if (e.sqlite_name == row.table_name) t = &e;
        planned.pg_name = t->pg.name;  // the table it came from, whatever the planner would name it
        for (PlannedColumn &c : planned.columns)
          for (const PgColumn &pc : t->pg.columns) {
            const RecordedColumn *rc = recorded_column(*t, pc.name);
            if (rc ? rc->sqlite_name == c.sqlite_name : pc.name == c.sqlite_name) c.pg_name = pc.name;
          }
        ReportRow checked = verify_table(db, source, plan, planned);
        row.verified = checked.verified;
        if (!checked.detail.empty()) row.detail += (row.detail.empty() ? "" : "; ") + checked.detail;
      }
    }
    const char *path = source.path;
    pg_guard([&] { connection_close(path); });
    for (const ReportRow &row : rows)
      if (row.verified == 0)
        throw Error("22000", "the exported table \"" + row.table_name + "\" does not match " + row.target_table,
                    row.detail, "The target was left as it was.");
  }

  void replace_target() {
    for (const char *suffix : {"-journal", "-wal", "-shm"}) unlink((target_ + suffix).c_str());
    const char *from = palloc_string(temp_path_);
    const char *to = palloc_string(target_);
    pg_guard([&] { durable_rename(from, to, ERROR); });
    renamed_ = true;
  }

  const ExportRequest &request_;
  std::string target_;
  std::string temp_path_;
  bool renamed_ = false;
  Oid namespace_oid_ = InvalidOid;
  std::vector<RecordedObject> objects_;
  std::map<std::string, RecordedTable> recorded_;  // by target table name
  std::vector<ExportTable> tables_;
  std::vector<std::string> object_notes_;
  std::map<std::string, std::string> current_constraints_;  // by table, as constraints_signature_query gives them
  std::unique_ptr<Database> db_;
};

}  // namespace

std::vector<ReportRow> run_export(const ExportRequest &request) { return Export(request).run(); }

}  // namespace hangar
