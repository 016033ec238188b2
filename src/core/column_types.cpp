// Column type resolution for a table (see column_types.hpp).
#include "core/column_types.hpp"

#include "core/schema_reader.hpp"
#include "core/type_map.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

std::vector<ColumnType> resolve_column_types(const Database &db, const Table &table) {
  std::vector<ColumnType> result(table.columns.size());
  std::vector<std::string> untyped;
  std::vector<size_t> untyped_index;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const Column &c = table.columns[i];
    TypeMapping m = map_declared_type(c.declared_type);
    if (m.untyped) {
      untyped.push_back(c.name);
      untyped_index.push_back(i);
      continue;
    }
    result[i].pg_type = m.pg_type;
    if (!m.known)
      result[i].notice = "column \"" + c.name + "\" of SQLite table \"" + table.name + "\" has unknown type \"" +
                         c.declared_type + "\"; mapped to " + m.pg_type + " by SQLite's affinity rules";
  }
  std::vector<StorageClasses> classes = scan_storage_classes(db, table, untyped);
  for (size_t k = 0; k < untyped.size(); ++k) {
    ColumnType &t = result[untyped_index[k]];
    t.pg_type = pg_type_for_storage_classes(classes[k]);
    t.notice = "column \"" + untyped[k] + "\" of SQLite table \"" + table.name +
               "\" has no declared type; mapped to " + t.pg_type + " from the values it stores";
  }
  return result;
}

}  // namespace hangar
