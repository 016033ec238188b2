// Builds CREATE FOREIGN TABLE statements (see foreign_table_ddl.hpp). Every name and literal
// goes through the PgQuoter, so no SQLite name is ever pasted into SQL.
#include "core/foreign_table_ddl.hpp"

#include "core/cpp_only.hpp"

namespace hangar {

std::string create_foreign_table_sql(const Table &table, const std::vector<ColumnType> &types,
                                     const std::string &server, const std::string &local_schema,
                                     const PgQuoter &quote) {
  std::string sql = "CREATE FOREIGN TABLE " + quote.ident(local_schema) + "." +
                    quote.ident(pg_identifier(table.name)) + " (";
  std::vector<std::string> sqlite_names;
  for (const Column &c : table.columns) sqlite_names.push_back(c.name);
  std::vector<std::string> pg_names = pg_column_names(sqlite_names);
  for (size_t i = 0; i < table.columns.size(); ++i) {
    const Column &c = table.columns[i];
    sql += i ? ",\n  " : "\n  ";
    sql += quote.ident(pg_names[i]) + " " + types[i].pg_type;
    sql += " OPTIONS (column_name " + quote.literal(c.name) + ")";
    if (c.never_null(table.without_rowid())) sql += " NOT NULL";
  }
  sql += "\n) SERVER " + quote.ident(server) + " OPTIONS (table_name " + quote.literal(table.name) + ")";
  return sql;
}

}  // namespace hangar
