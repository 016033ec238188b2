// Column type resolution for a table (see column_types.hpp).
#include "core/column_types.hpp"

#include "core/schema_reader.hpp"
#include "core/type_map.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

std::string chosen_type_note(const Table &table, const Column &column, const std::string &mapped) {
  return "column \"" + column.name + "\" of SQLite table \"" + table.name + "\" has " +
         (column.declared_type.empty() ? "no declared type" : "type \"" + column.declared_type + "\"") +
         "; mapped to " + mapped;
}

std::vector<ColumnType> resolve_column_types(const Database &db, const Table &table) {
  std::vector<ColumnType> result(table.columns.size());
  std::vector<std::string> scanned;  // columns whose stored values decide or check the type
  std::vector<size_t> scanned_index;
  std::vector<bool> untyped(table.columns.size(), false);
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const Column &c = table.columns[i];
    TypeMapping m = map_declared_type(c.declared_type);
    untyped[i] = m.untyped;
    result[i].pg_type = m.pg_type;
    if (!m.note.empty())
      result[i].notice = "column \"" + c.name + "\" of SQLite table \"" + table.name + "\" has type \"" +
                         c.declared_type + "\" with " + m.note + "; mapped to " + m.pg_type;
    if (!m.known && !m.untyped)
      result[i].notice = "column \"" + c.name + "\" of SQLite table \"" + table.name + "\" has unknown type \"" +
                         c.declared_type + "\"; mapped to " + m.pg_type + " by SQLite's affinity rules";
    if (m.untyped || !m.known) {
      scanned.push_back(c.name);
      scanned_index.push_back(i);
    }
  }
  std::vector<StorageClasses> classes = scan_storage_classes(db, table, scanned);
  for (size_t k = 0; k < scanned.size(); ++k) {
    size_t i = scanned_index[k];
    ColumnType &t = result[i];
    // an unknown type's affinity keeps its values' storage classes: a type that cannot hold
    // them all (blobs under NUMERIC affinity, say) gives way to one chosen from the values
    if (!untyped[i] && holds_storage_classes(t.pg_type, classes[k])) continue;
    t.pg_type = pg_type_for_storage_classes(classes[k]);
    t.from_values = true;
    t.no_values = !classes[k].integer && !classes[k].real && !classes[k].text && !classes[k].blob;
    t.notice = chosen_type_note(table, table.columns[i], t.pg_type + " from the values it stores");
    if (t.pg_type == "text" && classes[k].blob)  // a blob is not text: say what becomes of it
      t.notice += " (blobs among them arrive as their bytes read as UTF-8 text; a blob that is not UTF-8 is "
                  "refused: column_types can make the column bytea, which takes every value as SQLite's "
                  "CAST(v AS BLOB) gives it)";
  }
  return result;
}

}  // namespace hangar
