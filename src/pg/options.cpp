// Options of hangar_fdw servers, foreign tables and columns: validation (one table of valid
// options per catalog, as contrib/file_fdw does) and typed lookups used at plan and run time.
// PostgreSQL itself rejects an option given twice (transformGenericOptions).
// Setting the database option needs the privileges checked in privileges.cpp; turning updatable
// or truncatable on needs the privileges of pg_write_server_files, since either lets whoever may
// write the foreign table change the file.
#include "pg/common.hpp"

extern "C" {
#include "catalog/pg_foreign_server.h"
#include "catalog/pg_foreign_table.h"
#include "catalog/pg_attribute.h"
#include "commands/defrem.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
}

#include "pg/error_bridge.hpp"

#include <climits>

namespace hangar {

namespace {

struct ValidOption {
  const char *name;
  Oid context;  // catalog the option belongs to
};

const ValidOption kValidOptions[] = {
    {"database", ForeignServerRelationId},
    {"busy_timeout_ms", ForeignServerRelationId},
    {"timezone", ForeignServerRelationId},
    {"updatable", ForeignServerRelationId},
    {"truncatable", ForeignServerRelationId},
    {"table_name", ForeignTableRelationId},
    {"updatable", ForeignTableRelationId},
    {"truncatable", ForeignTableRelationId},
    {"column_name", AttributeRelationId},
    {"datetime_unit", AttributeRelationId},
    {"timezone", AttributeRelationId},
};

bool is_valid_option(const char *name, Oid context) {
  for (const ValidOption &opt : kValidOptions)
    if (opt.context == context && strcmp(opt.name, name) == 0) return true;
  return false;
}

void report_invalid_option(const char *name, Oid context) {
  StringInfoData valid;
  initStringInfo(&valid);
  for (const ValidOption &opt : kValidOptions)
    if (opt.context == context) appendStringInfo(&valid, "%s%s", valid.len ? ", " : "", opt.name);
  ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_OPTION_NAME), errmsg("invalid option \"%s\"", name),
                  valid.len ? errhint("Valid options in this context are: %s.", valid.data)
                            : errhint("There are no valid options in this context.")));
}

int parse_busy_timeout(const char *value) {
  char *end = nullptr;
  errno = 0;
  long ms = strtol(value, &end, 10);
  if (errno != 0 || end == value || *end != '\0' || ms < 0 || ms > INT_MAX)
    ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
                    errmsg("invalid value for option \"busy_timeout_ms\": \"%s\"", value),
                    errhint("Give a whole number of milliseconds between 0 and %d.", INT_MAX)));
  return static_cast<int>(ms);
}

pg_tz *parse_timezone(const char *value) {
  pg_tz *tz = pg_tzset(value);
  if (!tz)
    ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
                    errmsg("invalid value for option \"timezone\": \"%s\"", value),
                    errhint("Give a time zone name such as \"UTC\" or \"Europe/Berlin\".")));
  return tz;
}

DatetimeUnit parse_datetime_unit(const char *value) {
  if (strcmp(value, "unixepoch") == 0) return DatetimeUnit::UnixSeconds;
  if (strcmp(value, "unixepoch_ms") == 0) return DatetimeUnit::UnixMilliseconds;
  if (strcmp(value, "julianday") == 0) return DatetimeUnit::JulianDay;
  ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
                  errmsg("invalid value for option \"datetime_unit\": \"%s\"", value),
                  errhint("Valid values are \"unixepoch\", \"unixepoch_ms\" and \"julianday\".")));
  pg_unreachable();
}

void check_nonempty(DefElem *def) {
  if (defGetString(def)[0] == '\0')
    ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
                    errmsg("option \"%s\" must not be empty", def->defname)));
}

void validate_option_value(DefElem *def) {
  const char *name = def->defname;
  if (strcmp(name, "database") == 0) {
    check_read_server_files_privilege("set the \"database\" option of a hangar_fdw server");
    check_absolute_database_path(defGetString(def));
  } else if (strcmp(name, "busy_timeout_ms") == 0) {
    parse_busy_timeout(defGetString(def));
  } else if (strcmp(name, "timezone") == 0) {
    parse_timezone(defGetString(def));
  } else if (strcmp(name, "datetime_unit") == 0) {
    parse_datetime_unit(defGetString(def));
  } else if (strcmp(name, "updatable") == 0 || strcmp(name, "truncatable") == 0) {
    if (defGetBoolean(def))
      check_write_server_files_privilege(psprintf("set the \"%s\" option of hangar_fdw to true", name));
  } else {
    check_nonempty(def);
  }
}

// Reads an updatable or truncatable option, of a server or of a foreign table, into *opts.
void read_write_option(DefElem *def, TableWriteOptions *opts) {
  if (strcmp(def->defname, "updatable") == 0)
    opts->updatable = defGetBoolean(def);
  else if (strcmp(def->defname, "truncatable") == 0)
    opts->truncatable = defGetBoolean(def);
}

}  // namespace

void validate_options(List *options, Oid context) {
  ListCell *cell;
  bool has_database = false;
  foreach (cell, options) {
    DefElem *def = lfirst_node(DefElem, cell);
    if (!is_valid_option(def->defname, context)) report_invalid_option(def->defname, context);
    validate_option_value(def);
    if (strcmp(def->defname, "database") == 0) has_database = true;
  }
  if (context == ForeignServerRelationId && !has_database)
    ereport(ERROR, (errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
                    errmsg("option \"database\" is required for a hangar_fdw server"),
                    errhint("Give the absolute path of the SQLite file, e.g. OPTIONS (database '/srv/app/app.db').")));
}

ServerOptions server_options(Oid serverid) {
  ForeignServer *server = GetForeignServer(serverid);
  ServerOptions opts;
  ListCell *cell;
  foreach (cell, server->options) {
    DefElem *def = lfirst_node(DefElem, cell);
    if (strcmp(def->defname, "database") == 0)
      opts.database = defGetString(def);
    else if (strcmp(def->defname, "busy_timeout_ms") == 0)
      opts.busy_timeout_ms = parse_busy_timeout(defGetString(def));
    else if (strcmp(def->defname, "timezone") == 0)
      opts.timezone = parse_timezone(defGetString(def));
    else
      read_write_option(def, &opts.writes);
  }
  if (!opts.database)
    ereport(ERROR, (errcode(ERRCODE_FDW_OPTION_NAME_NOT_FOUND),
                    errmsg("server \"%s\" has no \"database\" option", server->servername)));
  return opts;
}

const char *foreign_table_sqlite_name(Oid relid) {
  ForeignTable *table = GetForeignTable(relid);
  ListCell *cell;
  foreach (cell, table->options) {
    DefElem *def = lfirst_node(DefElem, cell);
    if (strcmp(def->defname, "table_name") == 0) return defGetString(def);
  }
  return get_rel_name(relid);
}

TableWriteOptions foreign_table_write_options(Oid relid) {
  ForeignTable *table = GetForeignTable(relid);
  ServerOptions server = server_options(table->serverid);
  TableWriteOptions opts = server.writes;
  ListCell *cell;
  foreach (cell, table->options) read_write_option(lfirst_node(DefElem, cell), &opts);
  return opts;
}

ColumnOptions column_options(Oid relid, AttrNumber attnum) {
  ColumnOptions opts;
  ListCell *cell;
  foreach (cell, GetForeignColumnOptions(relid, attnum)) {
    DefElem *def = lfirst_node(DefElem, cell);
    if (strcmp(def->defname, "column_name") == 0)
      opts.column_name = defGetString(def);
    else if (strcmp(def->defname, "datetime_unit") == 0)
      opts.datetime_unit = parse_datetime_unit(defGetString(def));
    else if (strcmp(def->defname, "timezone") == 0)
      opts.timezone = parse_timezone(defGetString(def));
  }
  if (!opts.column_name) opts.column_name = get_attname(relid, attnum, false);
  return opts;
}

}  // namespace hangar
