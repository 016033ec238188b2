// Who may make the server read or write a file: setting a server's database option or naming a
// file by path needs the privileges of pg_read_server_files, as file_fdw's filename does, since
// either makes the backend read any file the server process can reach; making a file writable
// through foreign tables, or exporting into one, needs those of pg_write_server_files.
#include "pg/common.hpp"

extern "C" {
#include "catalog/pg_authid.h"
#include "utils/acl.h"
}

namespace hangar {

namespace {
void check_privilege(Oid role, const char *role_name, const char *verb, const char *what) {
  if (!has_privs_of_role(GetUserId(), role))
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied to %s for role \"%s\"", what, GetUserNameFromId(GetUserId(), false)),
                    errdetail("Only roles with privileges of the \"%s\" role may make the server %s a file.", role_name,
                              verb)));
}
}  // namespace

void check_read_server_files_privilege(const char *what) {
  check_privilege(ROLE_PG_READ_SERVER_FILES, "pg_read_server_files", "read", what);
}

void check_write_server_files_privilege(const char *what) {
  check_privilege(ROLE_PG_WRITE_SERVER_FILES, "pg_write_server_files", "write", what);
}

void check_absolute_database_path(const char *path) {
  if (!is_absolute_path(path))
    ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
                    errmsg("SQLite database path must be absolute: \"%s\"", path),
                    errhint("Give the full path of the file as the server process sees it.")));
}

}  // namespace hangar
