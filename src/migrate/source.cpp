// The `source` argument of the migration functions: an absolute path (which needs the
// privileges of pg_read_server_files, as for a server's database option) or the name of a
// hangar_fdw server (which needs USAGE on it). Either way the file is read through the cached
// read-only connection, so the whole call sees one SQLite snapshot.
#include "migrate/migrate.hpp"

extern "C" {
#include "catalog/pg_foreign_server.h"
#include "utils/acl.h"
}

#include "pg/error_bridge.hpp"

namespace hangar {

MigrationSource resolve_source(const char *source) {
  MigrationSource result;
  if (source[0] == '\0')
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("source must not be empty"),
                    errhint("Give the absolute path of a SQLite file or the name of a hangar_fdw server.")));
  if (strchr(source, '/')) {
    check_read_server_files_privilege("read a SQLite file named by path");
    check_absolute_database_path(source);
    result.path = source;
    return result;
  }
  ForeignServer *server = GetForeignServerByName(source, true);
  if (!server)
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("server \"%s\" does not exist", source),
                    errhint("Give the absolute path of a SQLite file or the name of a hangar_fdw server.")));
  if (strcmp(GetForeignDataWrapper(server->fdwid)->fdwname, "hangar_fdw") != 0)
    ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE), errmsg("server \"%s\" is not a hangar_fdw server", source)));
#if PG_VERSION_NUM >= 160000
  AclResult acl = object_aclcheck(ForeignServerRelationId, server->serverid, GetUserId(), ACL_USAGE);
#else
  AclResult acl = pg_foreign_server_aclcheck(server->serverid, GetUserId(), ACL_USAGE);
#endif
  if (acl != ACLCHECK_OK) aclcheck_error(acl, OBJECT_FOREIGN_SERVER, server->servername);
  result.server = server_options(server->serverid);
  result.path = result.server.database;
  return result;
}

}  // namespace hangar
