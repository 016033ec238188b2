// Builds the MigrationPlan (see migration_planner.hpp): column types (declared-type table, then
// type_map, then column_types, then enum CHECKs), PostgreSQL names (shortened to 63 bytes and
// kept unique, with a note when changed), and the steps in the order that loads fastest and
// fails earliest: tables without constraints, data, keys, checks, indexes, foreign keys,
// sequences, views. With foreign_keys_in_copy, a foreign key whose check during the copy is
// exact moves before its child's copy, and its parent's primary key right after the parent's
// copy (order_in_copy_checks). Whatever cannot be translated is noted and skipped, never guessed.
#include "core/migration_planner.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <queue>
#include <set>
#include <unordered_map>

#include "core/ascii_case.hpp"
#include "core/error.hpp"
#include "core/expr_translate.hpp"
#include "core/join.hpp"
#include "core/pg_limits.hpp"
#include "core/datetime_parse.hpp"
#include "core/sql_tokenizer.hpp"
#include "core/view_translate.hpp"
#include "core/type_names.hpp"
#include "core/value_kinds.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

const char *phase_name(Phase phase) {
  switch (phase) {
    case Phase::Schema: return "schema";
    case Phase::Types: return "type";
    case Phase::Tables: return "table";
    case Phase::Defaults: return "default";
    case Phase::Copy: return "copy";
    case Phase::Keys: return "key";
    case Phase::Checks: return "check";
    case Phase::Indexes: return "index";
    case Phase::ForeignKeys: return "foreign key";
    case Phase::Sequences: return "sequence";
    case Phase::Views: return "view";
  }
  return "";
}

namespace {

constexpr size_t kDjangoSqliteNameBytes = 200;  // Django's name length where the backend sets none (SQLite)

// Names that share PostgreSQL's relation namespace in one schema (tables, indexes and the
// indexes of key constraints, types): a wanted name that is taken gets a numbered suffix.
class NameRegistry {
 public:
  std::string claim(const std::string &wanted) {
    std::string name = pg_identifier(wanted);
    for (int n = 1; used_.count(ascii_lower(name)); ++n) name = pg_identifier(wanted + "_" + std::to_string(n));
    used_.insert(ascii_lower(name));
    return name;
  }

 private:
  std::set<std::string> used_;
};

class Planner {
 public:
  Planner(const SourceCatalog &catalog, const MigrationOptions &options, const PgQuoter &quote)
      : catalog_(catalog), options_(options), quote_(quote) {}

  MigrationPlan run() {
    plan_.schema = options_.target_schema;
    choose_framework();
    plan_.skipped = catalog_.skipped;
    order_tables();
    for (size_t t = 0; t < order_.size(); ++t) plan_table(t);
    check_column_types_used();
    add(Phase::Schema, -1, "CREATE SCHEMA IF NOT EXISTS " + quote_.ident(plan_.schema));
    for (const PlanStep &s : type_steps_) plan_.steps.push_back(s);
    for (size_t t = 0; t < order_.size(); ++t) create_table(t);
    for (size_t t = 0; t < order_.size(); ++t) table_defaults(t);
    for (size_t t = 0; t < order_.size(); ++t) copy(t);
    for (size_t t = 0; t < order_.size(); ++t) keys(t);
    for (size_t t = 0; t < order_.size(); ++t) checks(t);
    for (size_t t = 0; t < order_.size(); ++t) indexes(t);
    for (size_t t = 0; t < order_.size(); ++t) foreign_keys(t);
    for (size_t t = 0; t < order_.size(); ++t) sequence(t);
    for (const SourceView &v : catalog_.views) view(v);
    if (options_.foreign_keys_in_copy) order_in_copy_checks();
    return std::move(plan_);
  }

 private:
  // The framework the file says built it (framework => 'auto'), or the one asked for.
  void choose_framework() {
    std::string evidence;
    if (options_.framework == Framework::Auto) {
      std::vector<std::string> names;
      for (const SourceTable &t : catalog_.tables) names.push_back(t.table.name);
      plan_.framework = detect_framework(names, &evidence);
      evidence = "the file has table " + evidence;
    } else {
      plan_.framework = options_.framework;
      evidence = "as framework asks";
    }
    if (plan_.framework != Framework::None)
      plan_.notes.push_back(std::string("framework: ") + framework_name(plan_.framework) + " (" + evidence + ")");
  }

  bool django() const { return plan_.framework == Framework::Django; }

  const SourceTable &source(size_t t) const { return catalog_.tables[order_[t]]; }
  PlannedTable &planned(size_t t) { return plan_.tables[t]; }
  std::string qualified(size_t t) const { return quote_.qualified(plan_.schema, plan_.tables[t].pg_name); }

  void add(Phase phase, int table, std::string sql, bool optional = false, std::string what = {}) {
    plan_.steps.push_back({phase, table, std::move(sql), optional, std::move(what), -1, false});
  }

  int find_table(const std::string &sqlite_name) const {
    auto found = catalog_index_.find(ascii_lower(sqlite_name));
    return found == catalog_index_.end() ? -1 : plan_index_[found->second];
  }

  int find_column(size_t t, const std::string &sqlite_name) const {
    const auto &cols = plan_.tables[t].columns;
    for (size_t c = 0; c < cols.size(); ++c)
      if (ascii_iequals(cols[c].sqlite_name, sqlite_name)) return static_cast<int>(c);
    return -1;
  }

  // Parents before children (by foreign keys), otherwise creation order; a cycle is broken at
  // its table created first. In passes over the tables in creation order, each placing every
  // table whose parents are placed; a heap per pass keeps that linear in tables and keys.
  void order_tables() {
    size_t n = catalog_.tables.size();
    for (size_t i = 0; i < n; ++i) catalog_index_.emplace(ascii_lower(catalog_.tables[i].table.name), i);
    std::vector<std::set<size_t>> parents(n);
    std::vector<std::vector<size_t>> children(n);
    for (size_t i = 0; i < n; ++i)
      for (const ForeignKeyFact &fk : catalog_.tables[i].foreign_keys) {
        auto parent = catalog_index_.find(ascii_lower(fk.parent_table));
        if (parent != catalog_index_.end() && parent->second != i && parents[i].insert(parent->second).second)
          children[parent->second].push_back(i);
      }
    using MinHeap = std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>>;
    MinHeap this_pass, next_pass;
    std::vector<size_t> waiting(n);
    std::vector<bool> placed(n, false);
    for (size_t i = 0; i < n; ++i)
      if ((waiting[i] = parents[i].size()) == 0) this_pass.push(i);
    size_t first_unplaced = 0;
    auto place = [&](size_t i, long pass_position) {
      order_.push_back(i);
      placed[i] = true;
      for (size_t child : children[i])
        if (--waiting[child] == 0 && !placed[child])
          (static_cast<long>(child) > pass_position ? this_pass : next_pass).push(child);
    };
    while (order_.size() < n) {
      if (!this_pass.empty()) {
        size_t i = this_pass.top();
        this_pass.pop();
        place(i, static_cast<long>(i));
      } else if (!next_pass.empty()) {
        std::swap(this_pass, next_pass);
      } else {
        while (placed[first_unplaced]) ++first_unplaced;
        place(first_unplaced, -1);
      }
    }
    plan_index_.assign(n, -1);
    for (size_t t = 0; t < n; ++t) plan_index_[order_[t]] = static_cast<int>(t);
  }

  std::string named(const std::string &wanted, std::vector<std::string> &notes, const char *what) {
    std::string name = names_.claim(wanted);
    if (name != wanted) notes.push_back(std::string(what) + " \"" + wanted + "\" is named \"" + name + "\" in PostgreSQL");
    return name;
  }

  const std::string *column_type_override(const std::string &table, const std::string &column) {
    for (const auto &[key, type] : options_.column_types) {
      size_t dot = key.rfind('.');
      if (dot == std::string::npos) continue;
      if (ascii_iequals(key.substr(0, dot), table) && ascii_iequals(key.substr(dot + 1), column)) {
        used_overrides_.insert(key);
        return &type;
      }
    }
    return nullptr;
  }

  void check_column_types_used() const {
    for (const auto &entry : options_.column_types)
      if (!used_overrides_.count(entry.first))
        throw Error(sqlstate::kInvalidParameterValue,
                    "column_types names \"" + entry.first + "\", which is not a column of the SQLite database",
                    "", "Give keys as \"table.column\" with the SQLite table and column names.");
  }

  // A timestamp column whose constant default is a time with a zone is timestamptz, which keeps
  // the default and the column's zoned times (the copy widens a timestamp column the same way
  // when it meets a time with a zone).
  void zoned_by_default(const Column &c, PlannedColumn *pc, std::vector<std::string> *notes) {
    if (!c.default_sql || base_type_name(pc->pg_type) != "timestamp") return;
    std::vector<Token> tokens;
    try {
      tokens = tokenize_sql(*c.default_sql);
    } catch (const Error &) {
      return;
    }
    while (tokens.size() == 3 && tokens[0].is("(") && tokens[2].is(")")) tokens = {tokens[1]};
    DateTimeFields f;
    if (tokens.size() != 1 || tokens[0].kind != TokenKind::String ||
        parse_iso_datetime(tokens[0].value, &f) != DateTimeStatus::Ok || !f.has_zone)
      return;
    std::string planned = pc->pg_type;
    pc->pg_type = with_time_zone(planned);
    notes->push_back("column \"" + c.name + "\" is " + pc->pg_type + ", not " + planned + ": its default " +
                     *c.default_sql + " is a time with a zone (its times without one are read in the timezone "
                     "option's zone, UTC unless set)");
  }

  void plan_table(size_t t) {
    const SourceTable &src = source(t);
    PlannedTable pt;
    pt.sqlite_name = src.table.name;
    pt.rowid_name = src.table.rowid_name;
    pt.notes = src.notes;
    pt.pg_name = named(src.table.name, pt.notes, "table");
    std::vector<std::string> sqlite_names;
    for (const Column &c : src.table.columns) sqlite_names.push_back(c.name);
    std::vector<std::string> pg_names = pg_column_names(sqlite_names);
    for (size_t i = 0; i < src.table.columns.size(); ++i) {
      const Column &c = src.table.columns[i];
      PlannedColumn pc;
      pc.sqlite_name = c.name;
      pc.pg_name = pg_names[i];
      if (pc.pg_name != c.name) pt.notes.push_back("column \"" + c.name + "\" is named \"" + pc.pg_name + "\"");
      pc.collation = c.collation;
      pc.no_affinity = c.declared_type.empty() || ascii_iequals(c.declared_type, "ANY");
      pc.pg_type = src.types[i].pg_type;
      if (django()) pc.pg_type = django_column_type(t, c, pc.pg_type);
      bool framework_typed = pc.pg_type != src.types[i].pg_type;  // its notice is about the other type
      auto mapped = options_.type_map.find(base_type_name(pc.pg_type));
      if (mapped != options_.type_map.end()) {
        pc.pg_type = mapped->second;
        pc.type_given = true;
      }
      if (const std::string *override_type = column_type_override(src.table.name, c.name)) {
        pc.pg_type = *override_type;
        pc.type_given = true;
        if (!src.types[i].notice.empty())  // the fallback type is not the one used: say which is
          pt.notes.push_back("column \"" + c.name + "\" (" +
                             (c.declared_type.empty() ? "no declared type" : "declared " + c.declared_type) + ") is " +
                             pc.pg_type + ", as column_types asks");
      } else {
        if (options_.enums && is_text_type(pc.pg_type)) pc.is_enum = enum_type(t, pt, c.name, &pc.pg_type);
        if (pc.is_enum && src.types[i].from_values)  // its CHECK's labels decided, not the values
          pt.notes.push_back(chosen_type_note(src.table, c, "the enum " + pc.pg_type + " of its CHECK's labels"));
        else if (!src.types[i].notice.empty() && !framework_typed)
          pt.notes.push_back(src.types[i].notice);
      }
      if (!pc.type_given) zoned_by_default(c, &pc, &pt.notes);
      if (!pc.collation.empty() && is_text_type(pc.pg_type))
        pt.notes.push_back("column \"" + c.name + "\" is COLLATE " + pc.collation + ": SQLite compares its text " +
                           (pc.collation == "NOCASE"  ? "ignoring the case of ASCII letters"
                            : pc.collation == "RTRIM" ? "ignoring trailing spaces"
                                                      : "as the app that wrote the file defines in its own code") +
                           ", PostgreSQL as it is");
      if (c.rowid_alias) {
        pt.rowid_alias = static_cast<int>(i);
        if (!pc.type_given) widen_for_ids(t, &pc, &pt.notes);
      }
      pt.columns.push_back(std::move(pc));
    }
    plan_.tables.push_back(std::move(pt));
    for (size_t i = 0; i < src.table.columns.size(); ++i) type_generated_by_expression(t, i);
    type_empty_references_by_parent(t);
  }

  // Whether column i of table t has no declared type (or ANY) and took a type from its values
  // that nothing else decided: another type may then be chosen from what the schema says.
  bool typed_by_values_only(size_t t, size_t i) {
    const PlannedColumn &pc = planned(t).columns[i];
    return source(t).types[i].from_values && pc.no_affinity && !pc.type_given && !pc.is_enum;
  }

  // Column i of table t becomes type, because (why): its note from the values gives way to one
  // saying so.
  void retype_untyped(size_t t, size_t i, const std::string &type, const std::string &why) {
    PlannedColumn &pc = planned(t).columns[i];
    std::string note = chosen_type_note(source(t).table, source(t).table.columns[i], type + ", " + why);
    std::vector<std::string> &notes = planned(t).notes;
    auto old = std::find(notes.begin(), notes.end(), source(t).types[i].notice);
    if (old != notes.end()) *old = note; else notes.push_back(note);
    pc.pg_type = type;
  }

  // A foreign key's column without a type that stores nothing yet would be text, which no
  // integer key can be compared with: it takes its parent key's type, as the app's values will
  // be its parent's (the parent planned already, or the table itself).
  void type_empty_references_by_parent(size_t t) {
    for (const ForeignKeyFact &ref : source(t).foreign_keys) {
      int parent = find_table(ref.parent_table);
      if (parent < 0 || static_cast<size_t>(parent) >= plan_.tables.size()) continue;
      size_t p = static_cast<size_t>(parent);
      std::vector<std::string> parent_cols = ref.parent_columns.empty() ? primary_key_columns(p) : ref.parent_columns;
      if (parent_cols.size() != ref.columns.size()) continue;
      for (size_t k = 0; k < ref.columns.size(); ++k) {
        int c = find_column(t, ref.columns[k]), pcol = find_column(p, parent_cols[k]);
        if (c < 0 || pcol < 0 || !typed_by_values_only(t, static_cast<size_t>(c)) ||
            !source(t).types[static_cast<size_t>(c)].no_values)
          continue;
        const PlannedColumn &key = planned(p).columns[static_cast<size_t>(pcol)];
        if (key.is_enum || (p == t && pcol == c) || key.pg_type == planned(t).columns[static_cast<size_t>(c)].pg_type)
          continue;
        retype_untyped(t, static_cast<size_t>(c), key.pg_type,
                       "its parent key's type (it stores no values yet; foreign key to " + ref.parent_table + ")");
      }
    }
  }

  // A generated column without a declared type stores whatever its expression yields, so the
  // values it holds today may not tell the type of those later rows get: abs(k) of a numeric k
  // holds 2 and 4 today and 1.5 tomorrow, which a bigint would round; an empty table's column
  // would be text. Such a column takes the type of its expression's numbers when its values
  // were all integers or none.
  void type_generated_by_expression(size_t t, size_t i) {
    const ColumnType &values = source(t).types[i];
    const ColumnDefinition *cd = ddl_column(t, planned(t).columns[i].sqlite_name);
    if (!typed_by_values_only(t, i) || !cd || cd->generated.empty()) return;
    Translation tr = translate_expression(cd->generated, ExprContext::Generated, lookup(t), quote_);
    if (!tr.ok) return;
    std::string type = tr.kind == ValueKind::Real      ? "double precision"
                       : tr.kind == ValueKind::Decimal ? "numeric"
                       : tr.kind == ValueKind::Integer ? "bigint"
                                                       : "";
    const std::string &now = planned(t).columns[i].pg_type;
    bool integers = kind_of_pg_type(now) == ValueKind::Integer;
    if (type.empty() || type == now || !(values.no_values || (integers && tr.kind != ValueKind::Integer))) return;
    retype_untyped(t, i, type,
                   std::string("what its generated expression yields (") +
                       (values.no_values ? "it stores no values yet" : "the values it stores are all integers") + ")");
  }

  // The largest integer type of a column, or 0 when it is not smallint or integer.
  static int64_t integer_type_max(const std::string &pg_type) {
    return pg_type == "smallint" ? INT16_MAX : pg_type == "integer" ? INT32_MAX : 0;
  }

  // SQLite's ids are 64-bit whatever the key's declared type: a key whose ids (the largest
  // rowid, or sqlite_sequence) are beyond its smallint or integer is the type that holds them,
  // so its sequence can go on after them.
  void widen_for_ids(size_t t, PlannedColumn *key, std::vector<std::string> *notes) {
    int64_t used = source(t).sequence_floor, max = integer_type_max(key->pg_type);
    if (max == 0 || used <= max) return;
    std::string type = used <= INT32_MAX ? "integer" : "bigint";
    notes->push_back("column \"" + key->sqlite_name + "\" is " + type + ", not " + key->pg_type +
                     ": SQLite has used ids up to " + std::to_string(used) + " (its integers are 64-bit)");
    key->pg_type = type;
  }

  // The type Django's PostgreSQL backend gives the field Django declared so on SQLite: its
  // JSONField is a text column with a JSON_VALID CHECK, and jsonb on PostgreSQL.
  std::string django_column_type(size_t t, const Column &c, const std::string &mapped) {
    if (std::optional<std::string> type = django_pg_type(c.declared_type)) return *type;
    std::string column;
    for (const TableConstraint &con : source(t).ddl.constraints)
      if (con.kind == ConstraintKind::Check && django_json_check(con.check, &column) && ascii_iequals(column, c.name) &&
          is_text_type(mapped))
        return "jsonb";
    return mapped;
  }

  // A CHECK (col IN ('a', 'b')) on a text column is how SQLAlchemy keeps an Enum on SQLite;
  // on PostgreSQL the app would have an enum type named after it.
  // Labels PostgreSQL cannot keep (longer than 63 bytes) leave the column varchar with its CHECK.
  // Whether an index expression or a generated column reads the column: PostgreSQL computes
  // those only with immutable functions, and an enum's text is not one. (An index's condition
  // compares the enum with its labels, which is.)
  bool read_by_expressions(size_t t, const std::string &column) const {
    auto names_it = [&](const std::vector<Token> &tokens) {
      for (const Token &token : tokens)
        if (token.is_name() && ascii_iequals(token.value, column)) return true;
      return false;
    };
    for (const IndexDefinition &index : source(t).indexes)
      for (const IndexTerm &term : index.terms)
        if (term.column.empty() && names_it(term.expression)) return true;
    for (const ColumnDefinition &c : source(t).ddl.columns)
      if (names_it(c.generated)) return true;
    return false;
  }

  bool enum_type(size_t t, PlannedTable &pt, const std::string &column, std::string *pg_type) {
    for (const TableConstraint &con : source(t).ddl.constraints) {
      std::string col;
      std::vector<std::string> labels;
      if (con.kind != ConstraintKind::Check || !enum_check(con.check, &col, &labels) || !ascii_iequals(col, column))
        continue;
      bool fits = true;
      for (const std::string &l : labels) fits = fits && l.size() <= kMaxPgIdentifierBytes;
      if (!fits) {
        pt.notes.push_back("column \"" + column + "\" stays " + *pg_type +
                           " with its CHECK: an enum label longer than 63 bytes cannot be a PostgreSQL enum label");
        return false;
      }
      if (read_by_expressions(t, column)) {
        pt.notes.push_back("column \"" + column + "\" stays " + *pg_type +
                           " with its CHECK: an index or generated column computes from it, which PostgreSQL cannot "
                           "do from an enum");
        return false;
      }
      // SQLite's CHECK compares under the column's collation ('Done' is in ('new', 'done') under
      // NOCASE), an enum's labels exactly; and a generated column's expression yields text
      for (const ColumnDefinition &cd : source(t).ddl.columns) {
        if (!ascii_iequals(cd.name, column)) continue;
        if (cd.collation == "NOCASE" || cd.collation == "RTRIM") {
          pt.notes.push_back("column \"" + column + "\" stays " + *pg_type + " with its CHECK: it is COLLATE " +
                             cd.collation + ", under which SQLite compares the CHECK's labels; an enum's are exact");
          return false;
        }
        if (!cd.generated.empty()) return false;
      }
      std::string wanted = con.name.empty() ? pt.sqlite_name + "_" + column + "_enum" : con.name;
      auto existing = enums_.find(ascii_lower(wanted));
      std::string type_name;
      if (existing != enums_.end() && existing->second.second == labels) {
        type_name = existing->second.first;
      } else {
        type_name = named(wanted, pt.notes, "enum type");
        enums_[ascii_lower(wanted)] = {type_name, labels};
        std::vector<std::string> quoted;
        for (const std::string &l : labels) quoted.push_back(quote_.literal(l));
        type_steps_.push_back({Phase::Types, -1,
                               "CREATE TYPE " + quote_.qualified(plan_.schema, type_name) +
                                   " AS ENUM (" + join(quoted, ", ") + ")",
                               false, "enum type " + type_name, -1});
      }
      enum_columns_.insert({plan_.tables.size(), ascii_lower(column)});
      *pg_type = quote_.qualified(plan_.schema, type_name);
      return true;
    }
    return false;
  }

  ColumnLookup lookup(size_t t) {
    return [this, t](const std::string &name) -> const ResolvedColumn * {
      int c = find_column(t, name);
      if (c < 0) return nullptr;
      const PlannedColumn &pc = plan_.tables[t].columns[static_cast<size_t>(c)];
      resolved_ = {pc.pg_name, pc.pg_type, pc.is_enum, pc.collation, pc.no_affinity};
      return &resolved_;
    };
  }

  std::string column_list(size_t t, const std::vector<std::string> &sqlite_names) {
    std::vector<std::string> out;
    for (const std::string &n : sqlite_names) {
      int c = find_column(t, n);
      out.push_back(quote_.ident(c >= 0 ? plan_.tables[t].columns[static_cast<size_t>(c)].pg_name : pg_identifier(n)));
    }
    return join(out, ", ");
  }

  std::string constraint_prefix(const std::string &name) { return name.empty() ? "" : "CONSTRAINT " + quote_.ident(name) + " "; }

  std::string key_column_type(const PlannedColumn &pc) {
    if (!is_integer_type(pc.pg_type)) return pc.pg_type;
    if (options_.identity) return pc.pg_type + " GENERATED BY DEFAULT AS IDENTITY";
    return pc.pg_type == "integer" ? "serial" : pc.pg_type == "bigint" ? "bigserial" : "smallserial";
  }

  bool has_sequence(size_t t) {
    const PlannedTable &pt = plan_.tables[t];
    return pt.rowid_alias >= 0 && is_integer_type(pt.columns[static_cast<size_t>(pt.rowid_alias)].pg_type);
  }

  void create_table(size_t t) {
    const SourceTable &src = source(t);
    PlannedTable &pt = planned(t);
    std::vector<std::string> defs;
    for (size_t i = 0; i < pt.columns.size(); ++i) {
      PlannedColumn &pc = pt.columns[i];
      const Column &c = src.table.columns[i];
      std::string def = quote_.ident(pc.pg_name) + " ";
      def += static_cast<int>(i) == pt.rowid_alias ? key_column_type(pc) : pc.pg_type;
      const ColumnDefinition *cd = ddl_column(t, c.name);
      if (cd && !cd->generated.empty()) def += generated_clause(t, pc, *cd);
      if (c.never_null(src.table.without_rowid()) || (cd && !cd->generated.empty() && c.not_null)) def += " NOT NULL";
      defs.push_back(def);
    }
    if (!src.fulltext_config.empty()) defs.push_back(fulltext_column(t));
    add(Phase::Tables, static_cast<int>(t), "CREATE TABLE " + qualified(t) + " (\n  " + join(defs, ",\n  ") + "\n)");
  }

  // An FTS table (fulltext_tables) keeps its text columns and gets a tsvector column over them,
  // computed by PostgreSQL, with a GIN index (made in indexes()).
  std::string fulltext_column(size_t t) {
    const SourceTable &src = source(t);
    PlannedTable &pt = planned(t);
    std::vector<std::string> parts;
    for (const PlannedColumn &pc : pt.columns)
      if (is_text_type(pc.pg_type)) parts.push_back("coalesce(" + quote_.ident(pc.pg_name) + ", '')");
    std::string name = "tsv";
    while (find_column(t, name) >= 0) name += "_";
    pt.fulltext_column = name;
    pt.notes.push_back("the " + src.fulltext_module + " table is a table with a tsvector column \"" + name +
                       "\" (to_tsvector('" + src.fulltext_config +
                       "')) and a GIN index: PostgreSQL's text search tokenizes, ranks and queries differently "
                       "from SQLite's MATCH");
    return quote_.ident(name) + " tsvector GENERATED ALWAYS AS (to_tsvector(" + quote_.literal(src.fulltext_config) +
           "::regconfig, " + (parts.empty() ? std::string("''") : join(parts, " || ' ' || ")) + ")) STORED";
  }

  const ColumnDefinition *ddl_column(size_t t, const std::string &name) const {
    for (const ColumnDefinition &cd : source(t).ddl.columns)
      if (ascii_iequals(cd.name, name)) return &cd;
    return nullptr;
  }

  std::string generated_clause(size_t t, PlannedColumn &pc, const ColumnDefinition &cd) {
    for (const Token &tok : cd.generated) {
      int ref = tok.is_name() ? find_column(t, tok.value) : -1;
      const ColumnDefinition *other = ref >= 0 ? ddl_column(t, tok.value) : nullptr;
      if (other && !other->generated.empty()) {
        planned(t).notes.push_back("generated column \"" + cd.name +
                                   "\" is copied as a plain column: it refers to another generated column");
        return "";
      }
    }
    Translation tr = translate_expression(cd.generated, ExprContext::Generated, lookup(t), quote_);
    // SQLite stores a number in a text column as it spells it ('2.0' for a REAL), PostgreSQL's
    // cast to text otherwise ('2'): rows written later would differ
    if (tr.ok && is_text_type(pc.pg_type) && (tr.kind == ValueKind::Real || tr.kind == ValueKind::Decimal)) {
      tr.ok = false;
      tr.reason = "a number stored into a text column (SQLite spells 2.0 as '2.0', PostgreSQL as '2')";
    }
    if (!tr.ok) {
      planned(t).notes.push_back("generated column \"" + cd.name + "\" is copied as a plain column: " + tr.reason +
                                 " does not translate");
      return "";
    }
    pc.generated = true;
    return " GENERATED ALWAYS AS (" + tr.sql + ") STORED";
  }

  void table_defaults(size_t t) {
    PlannedTable &pt = planned(t);
    for (size_t i = 0; i < pt.columns.size(); ++i) {
      const PlannedColumn &pc = pt.columns[i];
      const std::optional<std::string> &text = source(t).table.columns[i].default_sql;
      if (!text || pc.generated || static_cast<int>(i) == pt.rowid_alias) continue;
      Translation tr;
      try {
        Affinity affinity = pc.no_affinity ? Affinity::Blob : affinity_of(source(t).table.columns[i].declared_type);
        tr = translate_default(tokenize_sql(*text), pc.pg_type, affinity, quote_);
      } catch (const Error &e) {
        tr.reason = std::string("SQL that does not parse (") + e.what() + ")";
      }
      if (!tr.ok) {
        pt.notes.push_back("default of column \"" + pc.sqlite_name + "\" (" + *text + ") skipped: " + tr.reason +
                           " does not translate");
        continue;
      }
      if (tr.sql.empty()) continue;
      add(Phase::Defaults, static_cast<int>(t),
          "ALTER TABLE " + qualified(t) + " ALTER COLUMN " + quote_.ident(pc.pg_name) + " SET DEFAULT " + tr.sql, true,
          "default of column \"" + pc.sqlite_name + "\"");
    }
  }

  void copy(size_t t) {
    std::vector<std::string> cols;
    for (const PlannedColumn &pc : plan_.tables[t].columns)
      if (!pc.generated) cols.push_back(quote_.ident(pc.pg_name));
    add(Phase::Copy, static_cast<int>(t),
        "COPY " + qualified(t) + " (" + join(cols, ", ") + ") FROM SQLite table " +
            quote_sqlite_identifier(plan_.tables[t].sqlite_name));
  }

  // Whether a key or index of these columns fits PostgreSQL's indexes; else a note says it is
  // not made.
  bool fits_index(size_t t, const std::string &what, size_t columns) {
    if (columns <= static_cast<size_t>(kMaxPgKeyColumns)) return true;
    planned(t).notes.push_back(what + " not made: it has " + std::to_string(columns) +
                               " columns, and PostgreSQL's indexes (so its keys) hold at most " +
                               std::to_string(kMaxPgKeyColumns));
    return false;
  }

  void keys(size_t t) {
    const SourceTable &src = source(t);
    for (const std::string &clause : src.ddl.conflict_clauses)
      planned(t).notes.push_back(clause + " not migrated: PostgreSQL's constraints take no conflict clause (in "
                                 "PostgreSQL the app's INSERT ... ON CONFLICT does that)");
    std::vector<std::string> pk = primary_key_columns(t);
    if (!pk.empty() && fits_index(t, "primary key (" + join(pk, ", ") + ")", pk.size())) {
      std::string name = src.primary_key_name.empty() ? "" : named(src.primary_key_name, planned(t).notes, "primary key");
      // A key with NULLs (SQLite allows them in a rowid table) means what UNIQUE means.
      const char *kind = src.primary_key_has_nulls ? "UNIQUE (" : "PRIMARY KEY (";
      if (src.primary_key_has_nulls)
        planned(t).notes.push_back("primary key (" + join(pk, ", ") +
                                   ") holds NULL in SQLite, which a rowid table's key may: it is a UNIQUE constraint");
      add(Phase::Keys, static_cast<int>(t),
          "ALTER TABLE " + qualified(t) + " ADD " + constraint_prefix(name) + kind + column_list(t, pk) + ")");
      plan_.steps.back().primary_key = true;
      plan_.steps.back().key_columns = column_indexes(t, pk);
      plan_.steps.back().hash_fallback = unique_by_hash(t, pk, name);
      if (!src.primary_key_has_nulls) planned(t).primary_key = plan_.steps.back().key_columns;
    }
    for (const UniqueFact &unique : src.uniques) {
      if (!fits_index(t, "unique constraint (" + join(unique.columns, ", ") + ")", unique.columns.size())) continue;
      std::string name = unique.name.empty() ? "" : named(unique.name, planned(t).notes, "unique constraint");
      add(Phase::Keys, static_cast<int>(t),
          "ALTER TABLE " + qualified(t) + " ADD " + constraint_prefix(name) + "UNIQUE (" + column_list(t, unique.columns) +
              ")");
      plan_.steps.back().key_columns = column_indexes(t, unique.columns);
      plan_.steps.back().hash_fallback = unique_by_hash(t, unique.columns, name);
    }
  }

  // A primary key or UNIQUE constraint over one column of a type whose values may outgrow a
  // btree entry, as an exclusion constraint using hash (PlanStep::hash_fallback); empty else.
  std::string unique_by_hash(size_t t, const std::vector<std::string> &columns, const std::string &name) {
    int c = columns.size() == 1 ? find_column(t, columns[0]) : -1;
    if (c < 0 || !may_outgrow_btree(planned(t).columns[static_cast<size_t>(c)])) return "";
    return "ALTER TABLE " + qualified(t) + " ADD " + constraint_prefix(name) + "EXCLUDE USING hash (" +
           column_list(t, columns) + " WITH =)";
  }

  // Whether a column's values may be larger than a btree index entry holds: the types of
  // variable length, not integers, floats, booleans, dates, times or UUIDs.
  static bool may_outgrow_btree(const PlannedColumn &pc) {
    switch (kind_of_pg_type(pc.pg_type, pc.is_enum)) {
      case ValueKind::Integer:
      case ValueKind::Real:
      case ValueKind::Boolean:
      case ValueKind::Temporal:
      case ValueKind::Uuid:
      case ValueKind::Enum:
        return false;
      default:
        return true;
    }
  }

  // The indexes of the named columns of table t; empty when one is not among its columns.
  std::vector<size_t> column_indexes(size_t t, const std::vector<std::string> &names) {
    std::vector<size_t> indexes;
    for (const std::string &n : names) {
      int c = find_column(t, n);
      if (c < 0) return {};
      indexes.push_back(static_cast<size_t>(c));
    }
    return indexes;
  }

  void checks(size_t t) {
    PlannedTable &pt = planned(t);
    for (const TableConstraint &con : source(t).ddl.constraints) {
      if (con.kind != ConstraintKind::Check) continue;
      std::string label = con.name.empty() ? "check (" + tokens_text(con.check) + ")" : "check constraint \"" + con.name + "\"";
      std::string column;
      std::vector<std::string> labels;
      if (enum_check(con.check, &column, &labels) && enum_columns_.count({t, ascii_lower(column)})) continue;
      int c = boolean_check(con.check, &column) ? find_column(t, column) : -1;
      if (c >= 0 && pt.columns[static_cast<size_t>(c)].pg_type == "boolean") {
        pt.notes.push_back(label + " is implied by type boolean");
        continue;
      }
      c = django() && django_json_check(con.check, &column) ? find_column(t, column) : -1;
      if (c >= 0 && pt.columns[static_cast<size_t>(c)].pg_type == "jsonb") {
        pt.notes.push_back(label + " is implied by type jsonb");
        continue;
      }
      Translation tr = translate_condition(con.check, ExprContext::Check, lookup(t), quote_);
      if (!tr.ok) {
        pt.notes.push_back(label + " skipped: " + tr.reason + " does not translate");
        continue;
      }
      add(Phase::Checks, static_cast<int>(t),
          "ALTER TABLE " + qualified(t) + " ADD " + constraint_prefix(con.name) + "CHECK (" + tr.sql + ")", true, label);
    }
  }

  void indexes(size_t t) {
    PlannedTable &pt = planned(t);
    if (!pt.fulltext_column.empty()) {
      std::string name = names_.claim(pt.pg_name + "_" + pt.fulltext_column + "_idx");
      add(Phase::Indexes, static_cast<int>(t),
          "CREATE INDEX " + quote_.ident(name) + " ON " + qualified(t) + " USING gin (" +
              quote_.ident(pt.fulltext_column) + ")",
          true, "index \"" + name + "\"");
    }
    for (const IndexDefinition &index : source(t).indexes) {
      if (!fits_index(t, "index \"" + index.name + "\"", index.terms.size())) continue;
      std::vector<std::string> terms, folded;
      std::string refused, bare_term;  // bare_term: the last term without DESC
      bool fixed_size = false;         // the last term is a column whose values cannot outgrow a btree
      for (const IndexTerm &term : index.terms) {
        // a unique index keeps a NOCASE or RTRIM column's uniqueness on the folded value
        int c = term.column.empty() ? -1 : find_column(t, term.column);
        std::string collation = term.collation.empty() && c >= 0 ? pt.columns[static_cast<size_t>(c)].collation : term.collation;
        std::string fold = index.unique && c >= 0 ? folded_column(t, static_cast<size_t>(c), collation) : "";
        fixed_size = c >= 0 && term.column.size() > 0 && !may_outgrow_btree(pt.columns[static_cast<size_t>(c)]);
        if (!fold.empty()) {
          folded.push_back(fold);
          bare_term = "(" + fold + ")";
          terms.push_back(bare_term + (term.descending ? " DESC" : ""));
          continue;
        }
        if (!term.collation.empty() && term.collation != "BINARY") refused = "COLLATE " + term.collation;
        Translation tr = translate_expression(term.expression, ExprContext::Index, lookup(t), quote_);
        if (!tr.ok) refused = tr.reason;
        bool plain = !term.column.empty();
        bare_term = plain ? tr.sql : "(" + tr.sql + ")";
        terms.push_back(bare_term + (term.descending ? " DESC" : ""));
      }
      std::string where, condition;
      if (!index.where.empty()) {
        Translation tr = translate_condition(index.where, ExprContext::Index, lookup(t), quote_);
        if (!tr.ok) refused = tr.reason;
        condition = tr.sql;
        where = " WHERE " + condition;
      }
      if (!refused.empty()) {
        pt.notes.push_back("index \"" + index.name + "\" skipped: " + refused + " does not translate");
        continue;
      }
      if (django() && django_unique_together(t, index)) continue;
      std::string name = named(django() ? django_index_rename(t, index) : index.name, pt.notes, "index");
      add(Phase::Indexes, static_cast<int>(t),
          std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " + quote_.ident(name) + " ON " +
              qualified(t) + " (" + join(terms, ", ") + ")" + where,
          true, "index \"" + index.name + "\"");
      if (terms.size() == 1 && !fixed_size)
        plan_.steps.back().hash_fallback =
            index.unique ? "ALTER TABLE " + qualified(t) + " ADD CONSTRAINT " + quote_.ident(name) + " EXCLUDE USING hash (" +
                               bare_term + " WITH =)" + (condition.empty() ? "" : " WHERE (" + condition + ")")
                         : "CREATE INDEX " + quote_.ident(name) + " ON " + qualified(t) + " USING hash (" + bare_term + ")" + where;
      if (!folded.empty())
        pt.notes.push_back("unique index \"" + index.name + "\" is on " + join(folded, ", ") +
                           ", as SQLite compares its values under their collation");
    }
    folded_keys(t);
    if (django()) django_like_indexes(t);
  }

  // A text column's value as SQLite's collation compares it, for a unique index: NOCASE folds
  // ASCII letters only, as lower() does under collation "C"; RTRIM ignores trailing spaces.
  // Empty for BINARY, and for a column that holds no text.
  std::string folded_column(size_t t, size_t c, const std::string &collation) {
    const PlannedColumn &pc = plan_.tables[t].columns[c];
    if (!is_text_type(pc.pg_type) || pc.is_enum) return "";
    if (collation == "NOCASE") return "lower(" + quote_.ident(pc.pg_name) + " COLLATE \"C\")";
    if (collation == "RTRIM") return "rtrim(" + quote_.ident(pc.pg_name) + ", ' ')";
    return "";
  }

  // A primary key or UNIQUE constraint over a NOCASE or RTRIM column: PostgreSQL's constraint
  // compares bytes, so a unique index on the folded values keeps the uniqueness SQLite enforces.
  void folded_keys(size_t t) {
    PlannedTable &pt = planned(t);
    struct Key {
      const char *what;
      std::vector<std::string> columns;
      std::vector<std::string> collations;  // as SQLite's index on the key says; empty: the columns'
    };
    std::vector<Key> keys;
    std::vector<std::string> pk = primary_key_columns(t);
    if (!pk.empty()) keys.push_back({"primary key", pk, source(t).primary_key_collations});
    for (const UniqueFact &unique : source(t).uniques) keys.push_back({"unique constraint", unique.columns, unique.collations});
    for (const auto &[what, columns, collations] : keys) {
      std::vector<std::string> terms, folded, names;
      for (size_t k = 0; k < columns.size(); ++k) {
        int c = find_column(t, columns[k]);
        if (c < 0) break;
        const PlannedColumn &pc = pt.columns[static_cast<size_t>(c)];
        // a term's own COLLATE (PRIMARY KEY (name COLLATE NOCASE)) is only in SQLite's index
        const std::string &collation = k < collations.size() && !collations[k].empty() ? collations[k] : pc.collation;
        std::string fold = folded_column(t, static_cast<size_t>(c), collation);
        if (!fold.empty()) folded.push_back(fold);
        terms.push_back(fold.empty() ? quote_.ident(pc.pg_name) : "(" + fold + ")");
        names.push_back(pc.pg_name);
      }
      if (folded.empty() || terms.size() != columns.size() || columns.size() > static_cast<size_t>(kMaxPgKeyColumns)) continue;
      std::string name = names_.claim(pt.pg_name + "_" + join(names, "_") + "_folded_key");
      add(Phase::Indexes, static_cast<int>(t),
          "CREATE UNIQUE INDEX " + quote_.ident(name) + " ON " + qualified(t) + " (" + join(terms, ", ") + ")", true,
          "index \"" + name + "\"");
      if (terms.size() == 1)
        plan_.steps.back().hash_fallback = "ALTER TABLE " + qualified(t) + " ADD CONSTRAINT " + quote_.ident(name) +
                                           " EXCLUDE USING hash (" + terms[0] + " WITH =)";
      pt.notes.push_back(std::string(what) + " (" + join(columns, ", ") + ") is kept as SQLite's collation compares it by unique index \"" +
                         name + "\" on " + join(folded, ", "));
    }
  }

  // The PostgreSQL columns of an index whose terms are all plain columns (empty otherwise).
  std::vector<std::string> plain_index_columns(size_t t, const IndexDefinition &index) {
    std::vector<std::string> columns;
    for (const IndexTerm &term : index.terms) {
      int c = term.column.empty() || term.descending ? -1 : find_column(t, term.column);
      if (c < 0) return {};
      columns.push_back(plan_.tables[t].columns[static_cast<size_t>(c)].pg_name);
    }
    return columns;
  }

  // Django keeps unique_together as a unique index on SQLite (named ..._uniq) and as a UNIQUE
  // constraint on PostgreSQL, where its AlterUniqueTogether drops it as a constraint.
  bool django_unique_together(size_t t, const IndexDefinition &index) {
    std::vector<std::string> columns = plain_index_columns(t, index);
    const std::string suffix = "_uniq";
    if (!index.unique || !index.where.empty() || columns.empty() || index.name.size() < suffix.size() ||
        index.name.compare(index.name.size() - suffix.size(), suffix.size(), suffix) != 0)
      return false;
    PlannedTable &pt = planned(t);
    std::string name = names_.claim(django_index_name(pt.pg_name, columns, suffix, kMaxPgIdentifierBytes));
    std::vector<std::string> quoted;
    for (const std::string &c : columns) quoted.push_back(quote_.ident(c));
    add(Phase::Keys, static_cast<int>(t),
        "ALTER TABLE " + qualified(t) + " ADD CONSTRAINT " + quote_.ident(name) + " UNIQUE (" + join(quoted, ", ") + ")",
        true, "unique constraint \"" + name + "\"");
    pt.notes.push_back("unique index \"" + index.name + "\" is the UNIQUE constraint \"" + name +
                       "\", as Django makes unique_together on PostgreSQL");
    return true;
  }

  // An index Django named for its columns (db_index, index_together) gets the name Django gives
  // it on PostgreSQL, whose names are shorter than SQLite's.
  std::string django_index_rename(size_t t, const IndexDefinition &index) {
    std::vector<std::string> columns = plain_index_columns(t, index);
    if (columns.empty()) return index.name;
    for (const char *suffix : {"", "_idx"})
      if (index.name == django_index_name(source(t).table.name, columns, suffix, kDjangoSqliteNameBytes))
        return django_index_name(planned(t).pg_name, columns, suffix, kMaxPgIdentifierBytes);
    return index.name;
  }

  // Django's PostgreSQL backend adds a pattern-ops index (..._like) for each varchar and text
  // field with db_index or unique (a primary key is unique), for LIKE 'prefix%' lookups.
  void django_like_indexes(size_t t) {
    PlannedTable &pt = planned(t);
    const SourceTable &src = source(t);
    std::set<std::string> fields;  // PostgreSQL column names
    for (const IndexDefinition &index : src.indexes) {
      std::vector<std::string> columns = plain_index_columns(t, index);
      if (!index.unique && columns.size() == 1 &&
          index.name == django_index_name(src.table.name, {index.terms[0].column}, "", kDjangoSqliteNameBytes))
        fields.insert(columns[0]);
    }
    for (const UniqueFact &unique : src.uniques)
      if (unique.columns.size() == 1 && find_column(t, unique.columns[0]) >= 0)
        fields.insert(pt.columns[static_cast<size_t>(find_column(t, unique.columns[0]))].pg_name);
    std::vector<std::string> pk = primary_key_columns(t);
    if (pk.size() == 1 && find_column(t, pk[0]) >= 0) fields.insert(pt.columns[static_cast<size_t>(find_column(t, pk[0]))].pg_name);
    for (const PlannedColumn &pc : pt.columns) {
      if (!fields.count(pc.pg_name)) continue;
      const char *ops = pc.pg_type.rfind("varchar", 0) == 0 ? "varchar_pattern_ops"
                        : pc.pg_type == "text"              ? "text_pattern_ops"
                                                            : nullptr;
      if (!ops) continue;
      std::string name = names_.claim(django_index_name(pt.pg_name, {pc.pg_name}, "_like", kMaxPgIdentifierBytes));
      add(Phase::Indexes, static_cast<int>(t),
          "CREATE INDEX " + quote_.ident(name) + " ON " + qualified(t) + " (" + quote_.ident(pc.pg_name) + " " + ops + ")",
          true, "index \"" + name + "\"");
    }
  }

  std::vector<std::string> primary_key_columns(size_t t) const {
    std::vector<std::pair<int, std::string>> pk;
    for (const Column &c : source(t).table.columns)
      if (c.primary_key_position > 0) pk.push_back({c.primary_key_position, c.name});
    std::sort(pk.begin(), pk.end());
    std::vector<std::string> names;
    for (const auto &p : pk) names.push_back(p.second);
    return names;
  }

  void foreign_keys(size_t t) {
    PlannedTable &pt = planned(t);
    for (const ForeignKeyFact &ref : source(t).foreign_keys) {
      int parent = find_table(ref.parent_table);
      std::vector<std::string> parent_cols = ref.parent_columns.empty() && parent >= 0
                                                 ? primary_key_columns(static_cast<size_t>(parent))
                                                 : ref.parent_columns;
      std::string definition = "(" + join(ref.columns, ", ") + ") REFERENCES " + ref.parent_table;
      if (parent < 0 || parent_cols.size() != ref.columns.size()) {
        pt.notes.push_back("foreign key " + definition + " skipped: the parent table or its key does not exist");
        continue;
      }
      if (!fits_index(t, "foreign key " + definition, ref.columns.size())) continue;
      PlannedForeignKey fk;
      fk.label = ref.name.empty() ? "foreign key " + definition + " (" + join(parent_cols, ", ") + ")"
                                  : "foreign key \"" + ref.name + "\"";
      fk.parent = static_cast<size_t>(parent);
      for (const std::string &c : ref.columns) fk.columns.push_back(static_cast<size_t>(find_column(t, c)));
      for (const std::string &c : parent_cols)
        fk.parent_columns.push_back(static_cast<size_t>(find_column(static_cast<size_t>(parent), c)));
      if (std::count(fk.columns.begin(), fk.columns.end(), static_cast<size_t>(-1)) ||
          std::count(fk.parent_columns.begin(), fk.parent_columns.end(), static_cast<size_t>(-1))) {
        pt.notes.push_back("foreign key " + definition + " skipped: it names a column that does not exist");
        continue;
      }
      if (std::string why = incomparable_key_types(t, fk); !why.empty()) {
        pt.notes.push_back("foreign key " + definition + " skipped: " + why);
        continue;
      }
      std::string name = ref.name;
      if (django() && name.empty() && ref.columns.size() == 1) {  // named as Django names it on PostgreSQL
        const PlannedTable &parent_table = plan_.tables[static_cast<size_t>(parent)];
        std::string parent_column = parent_table.columns[fk.parent_columns[0]].pg_name;
        name = django_index_name(pt.pg_name, {pt.columns[fk.columns[0]].pg_name},
                                 "_fk_" + parent_table.pg_name + "_" + parent_column, kMaxPgIdentifierBytes);
      }
      std::string sql = "ALTER TABLE " + qualified(t) + " ADD " + constraint_prefix(name) + "FOREIGN KEY (" +
                        column_list(t, ref.columns) + ") REFERENCES " + qualified(static_cast<size_t>(parent)) + " (" +
                        column_list(static_cast<size_t>(parent), parent_cols) + ")";
      bool generated = false;  // PostgreSQL's key actions may not write a generated column
      for (size_t c : fk.columns) generated = generated || pt.columns[c].generated;
      for (const auto &[event, action] : {std::pair<const char *, const std::string &>{"DELETE", ref.on_delete},
                                          {"UPDATE", ref.on_update}}) {
        if (action == "NO ACTION" || action.empty()) continue;
        bool writes = action != "RESTRICT" && (action != "CASCADE" || std::string(event) == "UPDATE");
        if (generated && writes) {
          pt.notes.push_back(std::string("ON ") + event + " " + action + " of foreign key " + definition +
                             " not migrated: PostgreSQL's foreign keys may not write a generated column");
          continue;
        }
        sql += std::string(" ON ") + event + " " + action;
      }
      if (ref.deferrable) sql += ref.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
      pt.foreign_keys.push_back(fk);
      plan_.steps.push_back({Phase::ForeignKeys, static_cast<int>(t), sql, false, fk.label,
                             static_cast<int>(pt.foreign_keys.size()) - 1, false});
    }
  }

  // Why PostgreSQL cannot compare a foreign key's columns with its parent's (SQLite compares any
  // values, by storage class and affinity); empty when it can: columns of one kind of value,
  // numbers that widen implicitly to the parent's (integer to numeric to double precision), an
  // enum only with its own type, date/time and other types only with the same type.
  std::string incomparable_key_types(size_t t, const PlannedForeignKey &fk) const {
    for (size_t k = 0; k < fk.columns.size(); ++k) {
      const PlannedColumn &child = plan_.tables[t].columns[fk.columns[k]];
      const PlannedColumn &parent = plan_.tables[fk.parent].columns[fk.parent_columns[k]];
      ValueKind a = kind_of_pg_type(child.pg_type, child.is_enum), b = kind_of_pg_type(parent.pg_type, parent.is_enum);
      auto rank = [](ValueKind v) { return v == ValueKind::Integer ? 0 : v == ValueKind::Decimal ? 1 : 2; };
      bool comparable = is_numeric_kind(a) && is_numeric_kind(b) ? rank(a) <= rank(b)
                        : a != b                                 ? false
                        : a == ValueKind::Text || a == ValueKind::Boolean || a == ValueKind::Blob || a == ValueKind::Uuid
                            ? true
                            : base_type_name(child.pg_type) == base_type_name(parent.pg_type);
      if (!comparable)
        return "column \"" + child.sqlite_name + "\" is " + child.pg_type + " and its parent's \"" + parent.sqlite_name +
               "\" " + parent.pg_type + " in PostgreSQL, which a foreign key cannot compare (SQLite compares any values)";
      std::string collation = key_collation(fk.parent, fk.parent_columns[k]);
      if (a == ValueKind::Text && (collation == "NOCASE" || collation == "RTRIM"))
        return "SQLite matches its values under the parent key's COLLATE " + collation + " (" +
               (collation == "NOCASE" ? "'VOCAB' finds 'vocab'" : "'q ' finds 'q'") + "), PostgreSQL's foreign keys exactly";
    }
    return "";
  }

  // The collation SQLite's key on column c of table t compares under: the column's, or its
  // term's in the primary key or a UNIQUE constraint (PRIMARY KEY (name COLLATE NOCASE)).
  std::string key_collation(size_t t, size_t c) const {
    const PlannedTable &pt = plan_.tables[t];
    const SourceTable &src = source(t);
    std::string collation = pt.columns[c].collation;
    auto term = [&](const std::vector<std::string> &columns, const std::vector<std::string> &collations) {
      for (size_t k = 0; k < columns.size() && k < collations.size(); ++k)
        if (ascii_iequals(columns[k], pt.columns[c].sqlite_name) && collations[k] != "BINARY" && !collations[k].empty())
          collation = collations[k];
    };
    term(primary_key_columns(t), src.primary_key_collations);
    for (const UniqueFact &unique : src.uniques) term(unique.columns, unique.collations);
    return collation;
  }

  // Whether foreign key f of table t can be checked exactly during t's copy: the parent is
  // copied before t (so not t itself), the key is one column on each side, both of an integer
  // type (equality is then equality of the int64 value, whatever the mix of widths), neither
  // generated, and the parent's column is its whole primary key, whose step is pk_step.
  bool checkable_in_copy(size_t t, const PlannedForeignKey &fk, const PlanStep *pk_step) const {
    if (!pk_step || fk.parent >= t || fk.columns.size() != 1) return false;
    const PlannedColumn &child = plan_.tables[t].columns[fk.columns[0]];
    const PlannedColumn &parent = plan_.tables[fk.parent].columns[fk.parent_columns[0]];
    std::vector<std::string> pk = primary_key_columns(fk.parent);
    return pk.size() == 1 && find_column(fk.parent, pk[0]) == static_cast<int>(fk.parent_columns[0]) &&
           is_integer_type(child.pg_type) && is_integer_type(parent.pg_type) && !child.generated &&
           !parent.generated && !child.is_enum && !parent.is_enum;
  }

  // Moves each foreign key checked during the copy before its child's copy, and the primary key
  // of each parent of one right after the parent's copy; every other step keeps its place. The
  // copy's description says which keys it checks.
  void order_in_copy_checks() {
    size_t n = plan_.tables.size();
    std::vector<const PlanStep *> pk_step(n, nullptr);
    for (const PlanStep &s : plan_.steps)
      if (s.phase == Phase::Keys && s.primary_key) pk_step[static_cast<size_t>(s.table)] = &s;
    std::vector<bool> parent_needed(n, false);
    std::vector<std::vector<const PlanStep *>> before_copy(n);
    for (PlanStep &s : plan_.steps) {
      if (s.phase != Phase::ForeignKeys) continue;
      size_t t = static_cast<size_t>(s.table);
      PlannedForeignKey &fk = plan_.tables[t].foreign_keys[static_cast<size_t>(s.foreign_key)];
      if (!checkable_in_copy(t, fk, pk_step[fk.parent])) continue;
      fk.in_copy = true;
      parent_needed[fk.parent] = true;
      before_copy[t].push_back(&s);
    }
    std::vector<PlanStep> steps;
    steps.reserve(plan_.steps.size());
    for (const PlanStep &s : plan_.steps) {
      bool moved = (s.phase == Phase::ForeignKeys && plan_.tables[static_cast<size_t>(s.table)]
                                                         .foreign_keys[static_cast<size_t>(s.foreign_key)]
                                                         .in_copy) ||
                   (s.phase == Phase::Keys && s.primary_key && parent_needed[static_cast<size_t>(s.table)]);
      if (moved) continue;
      if (s.phase != Phase::Copy) {
        steps.push_back(s);
        continue;
      }
      size_t t = static_cast<size_t>(s.table);
      std::vector<std::string> checked;
      for (const PlanStep *fk : before_copy[t]) {
        steps.push_back(*fk);
        checked.push_back(fk->what);
      }
      steps.push_back(s);
      if (!checked.empty()) steps.back().sql += ", checking " + join(checked, " and ") + " row by row";
      if (parent_needed[t]) steps.push_back(*pk_step[t]);
    }
    plan_.steps = std::move(steps);
  }

  // Restart the id sequence after every id SQLite has used (deleted ones and, with
  // AUTOINCREMENT, sqlite_sequence), so no id is handed out twice. SQLite's ids beyond a type
  // column_types or type_map asked for (rows rejected in reject mode) are ids the sequence can
  // never hand out: it then restarts after the largest id copied.
  void sequence(size_t t) {
    if (!has_sequence(t)) return;
    PlannedTable &pt = plan_.tables[t];
    const PlannedColumn &key = pt.columns[static_cast<size_t>(pt.rowid_alias)];
    int64_t used = source(t).sequence_floor;
    int64_t type_max = integer_type_max(key.pg_type);
    if (type_max > 0 && used > type_max) {
      pt.notes.push_back("sequence of \"" + key.pg_name + "\" restarts after the largest id copied: SQLite has used ids up to " +
                         std::to_string(used) + ", beyond " + key.pg_type);
      used = 0;
    }
    if (used == INT64_MAX)
      pt.notes.push_back("sequence of \"" + key.pg_name + "\" is at its end: SQLite has used id " + std::to_string(used) +
                         ", so PostgreSQL cannot give a new row an id (SQLite picks an unused one at random)");
    std::string floor = std::to_string(used);
    std::string max = "pg_catalog.max(" + quote_.ident(key.pg_name) + ")";
    add(Phase::Sequences, static_cast<int>(t),
        "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(" + quote_.literal(qualified(t)) + ", " +
            quote_.literal(key.pg_name) + "), greatest(" + max + ", " + floor + ", 1), greatest(" + max + ", " + floor +
            ") >= 1) FROM " + qualified(t));
  }

  // What views may read: every planned table, and each view planned before (SQLite keeps
  // views in creation order, after what they read).
  void add_table_relations() {
    for (size_t t = 0; t < plan_.tables.size(); ++t) {
      const PlannedTable &pt = plan_.tables[t];
      Relation rel;
      rel.pg_qualified = qualified(t);
      rel.rowid_alias = pt.rowid_alias;
      for (const PlannedColumn &pc : pt.columns)
        rel.columns.push_back({pc.sqlite_name, pc.pg_name, pc.pg_type, kind_of_pg_type(pc.pg_type, pc.is_enum),
                               pc.collation, pc.no_affinity});
      relations_[ascii_lower(pt.sqlite_name)] = rel;
    }
  }

  void view(const SourceView &v) {
    if (relations_.empty()) add_table_relations();
    PlannedTable pv;
    pv.sqlite_name = v.name;
    pv.is_view = true;
    pv.notes = v.notes;
    pv.pg_name = named(v.name, pv.notes, "view");
    plan_.tables.push_back(pv);
    int index = static_cast<int>(plan_.tables.size()) - 1;
    auto not_created = [this, &v] {
      Relation missing;
      missing.not_created = true;
      relations_[ascii_lower(v.name)] = missing;
    };
    if (!v.parse_error.empty()) {
      plan_.tables.back().notes.push_back("view not created: its SQL does not parse (" + v.parse_error + ")");
      not_created();
      return;
    }
    RelationLookup lookup = [this](const std::string &name) -> const Relation * {
      auto found = relations_.find(ascii_lower(name));
      return found == relations_.end() ? nullptr : &found->second;
    };
    ViewTranslation tr = translate_view(v.definition.body, v.columns, lookup, quote_);
    if (!tr.ok) {
      plan_.tables.back().notes.push_back("view not created: " + tr.reason + " does not translate");
      not_created();
      return;
    }
    std::vector<std::string> quoted;
    for (const RelationColumn &c : tr.columns) {
      quoted.push_back(quote_.ident(c.pg_name));
      PlannedColumn pc;
      pc.sqlite_name = c.sqlite_name;
      pc.pg_name = c.pg_name;
      pc.pg_type = c.pg_type;
      plan_.tables.back().columns.push_back(pc);
    }
    std::string target = quote_.qualified(plan_.schema, pv.pg_name);
    add(Phase::Views, index, "CREATE VIEW " + target + " (" + join(quoted, ", ") + ") AS " + tr.sql, true,
        "view \"" + v.name + "\"");
    Relation rel;
    rel.pg_qualified = target;
    rel.columns = tr.columns;
    relations_[ascii_lower(v.name)] = rel;
  }

  const SourceCatalog &catalog_;
  const MigrationOptions &options_;
  const PgQuoter &quote_;
  MigrationPlan plan_;
  std::vector<size_t> order_;  // plan table index -> catalog table index
  std::vector<int> plan_index_;  // catalog table index -> plan table index
  std::unordered_map<std::string, size_t> catalog_index_;  // lower-case SQLite name -> catalog table index
  NameRegistry names_;
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> enums_;  // wanted -> (name, labels)
  std::set<std::pair<size_t, std::string>> enum_columns_;                          // (table, lower column)
  std::vector<PlanStep> type_steps_;
  std::set<std::string> used_overrides_;
  ResolvedColumn resolved_;
  std::map<std::string, Relation> relations_;  // lower-case SQLite name -> what views may read
};

}  // namespace

size_t relations_created(const MigrationPlan &plan) {
  size_t n = 0;
  for (const PlanStep &step : plan.steps) {
    switch (step.phase) {
      case Phase::Tables: n += 3; break;  // the table, its TOAST table and that table's index
      case Phase::Keys:
      case Phase::Indexes:
      case Phase::Sequences:
      case Phase::Views: n += 1; break;
      default: break;
    }
  }
  return n;
}

MigrationPlan plan_migration(const SourceCatalog &catalog, const MigrationOptions &options, const PgQuoter &quote) {
  return Planner(catalog, options, quote).run();
}

}  // namespace hangar
