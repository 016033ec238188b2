// Who may make the server read a file: setting a server's database option or naming a file by
// path needs the privileges of pg_read_server_files, as file_fdw's filename does, since either
// makes the backend read any file the server process can reach.
#include "pg/common.hpp"

extern "C" {
#include "catalog/pg_authid.h"
#include "utils/acl.h"
}

namespace hangar {

void check_read_server_files_privilege(const char *what) {
  if (!has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied to %s", what),
                    errdetail("Only roles with privileges of the \"pg_read_server_files\" role may make "
                              "the server read a file.")));
}

void check_absolute_database_path(const char *path) {
  if (!is_absolute_path(path))
    ereport(ERROR, (errcode(ERRCODE_FDW_INVALID_ATTRIBUTE_VALUE),
                    errmsg("SQLite database path must be absolute: \"%s\"", path),
                    errhint("Give the full path of the file as the server process sees it.")));
}

}  // namespace hangar
