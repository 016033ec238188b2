// IMPORT FOREIGN SCHEMA main FROM SERVER s INTO x [LIMIT TO (...) | EXCEPT (...)]: one foreign
// table per SQLite table and view (never the sqlite_* internals), typed by core/column_types and
// written by core/foreign_table_ddl, the same translation the migration uses. Anything that
// cannot be imported as declared (unknown types, unreadable virtual tables) becomes a NOTICE,
// never an aborted import.
#include "fdw/hangar_fdw.hpp"

#include <string>
#include <vector>

#include "pg/error_bridge.hpp"
#include "core/foreign_table_ddl.hpp"
#include "core/join.hpp"
#include "core/schema_reader.hpp"
#include "pg/quoting.hpp"

namespace hangar {

namespace {

// LIMIT TO / EXCEPT compare the names of the foreign tables to be created.
bool table_wanted(const std::string &sqlite_name, void *arg) {
  const ImportForeignSchemaStmt *stmt = static_cast<const ImportForeignSchemaStmt *>(arg);
  if (stmt->list_type == FDW_IMPORT_SCHEMA_ALL) return true;
  std::string pg_name = pg_identifier(sqlite_name);
  bool listed = false;
  ListCell *cell;
  foreach (cell, stmt->table_list) {
    if (pg_name == static_cast<RangeVar *>(lfirst(cell))->relname) listed = true;
  }
  return stmt->list_type == FDW_IMPORT_SCHEMA_LIMIT_TO ? listed : !listed;
}

void notice(const std::string &message) {
  const char *text = message.c_str();
  pg_guard([&] { ereport(NOTICE, (errmsg("%s", text))); });
}

}  // namespace

List *hangarImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid) {
  return pg_entry([&] {
    if (strcmp(stmt->remote_schema, "main") != 0)
      ereport(ERROR, (errcode(ERRCODE_FDW_SCHEMA_NOT_FOUND),
                      errmsg("SQLite schema \"%s\" does not exist", stmt->remote_schema),
                      errhint("A SQLite database file has one schema, \"main\".")));
    const char *server_name = GetForeignServer(serverOid)->servername;
    Database &db = connection_for_server(serverOid);
    List *statements = NIL;
    {
      // C++ objects live only in this block; PostgreSQL calls in it go through pg_guard.
      PostgresQuoter quote;
      SchemaListing listing = read_schema(db, table_wanted, stmt);
      for (const SkippedTable &skipped : listing.skipped)
        notice("skipped SQLite table \"" + skipped.name + "\": " + skipped.reason);
      if (!listing.shadow.empty())
        notice("skipped the shadow tables of virtual tables (their modules' own storage): " + join(listing.shadow));
      for (const Table &table : listing.tables) {
        std::vector<ColumnType> types = resolve_column_types(db, table);
        for (const ColumnType &type : types)
          if (!type.notice.empty()) notice(type.notice);
        std::vector<std::string> sqlite_names;
        for (const Column &c : table.columns) sqlite_names.push_back(c.name);
        std::vector<std::string> pg_names = pg_column_names(sqlite_names);
        for (size_t i = 0; i < pg_names.size(); ++i)
          if (pg_names[i] != sqlite_names[i] && pg_names[i] != pg_identifier(sqlite_names[i]))
            notice("column \"" + sqlite_names[i] + "\" of SQLite table \"" + table.name + "\" is named \"" + pg_names[i] +
                   "\": PostgreSQL reserves its name for a system column");
        char *sql = palloc_string(create_foreign_table_sql(table, types, server_name, stmt->local_schema, quote));
        statements = pg_guard([&] { return lappend(statements, sql); });
      }
    }
    return statements;
  });
}

}  // namespace hangar
