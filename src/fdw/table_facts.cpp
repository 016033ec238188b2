// The backend's cache of what planning learns of SQLite tables (table_facts.hpp). Pure C++:
// called inside the planner's C++ blocks, where nothing of PostgreSQL may raise.
#include "fdw/table_facts.hpp"

#include <cstdint>
#include <unordered_map>

#include "core/sqlite_query.hpp"

namespace hangar {

namespace {

struct CachedFacts {
  int64_t schema_version;
  int64_t data_version;
  TableFacts facts;
};

// keyed by file path, a NUL byte, and table name
std::unordered_map<std::string, CachedFacts> cache;

}  // namespace

const TableFacts &table_facts(const Database &db, const std::string &name) {
  Statement versions = db.prepare("SELECT schema_version, data_version FROM pragma_schema_version, pragma_data_version");
  versions.step();
  int64_t schema_version = versions.column_int64(0);
  int64_t data_version = versions.column_int64(1);
  std::string key = db.path() + std::string(1, '\0') + name;
  auto found = cache.find(key);
  if (found != cache.end() && found->second.schema_version == schema_version &&
      found->second.data_version == data_version)
    return found->second.facts;
  TableFacts facts;
  facts.table = read_table(db, name);
  facts.rows = estimate_rows(db, facts.table);
  facts.indexed = index_leading_columns(db, facts.table.name);
  Statement encoding = db.prepare("PRAGMA encoding");
  facts.utf8 = encoding.step() && encoding.column_text(0) == "UTF-8";
  CachedFacts &entry = cache[key];
  entry = CachedFacts{schema_version, data_version, std::move(facts)};
  return entry.facts;
}

}  // namespace hangar
