// The extension's own tables in schema hangar (hangar.rejects, the record of what was migrated,
// the run id sequence), never in a target schema. Whoever may run a migration writes them, but
// as the tables' owner, the way PostgreSQL runs foreign-key checks as the owner: reading them
// stays what their owner grants.
#include "migrate/migrate.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "commands/sequence.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

namespace hangar {

namespace {

Oid bookkeeping_relid(const char *name) {
  Oid relid = get_relname_relid(name, get_namespace_oid("hangar", false));
  if (!OidIsValid(relid))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("relation \"hangar.%s\" does not exist", name),
                    errhint("The hangar_fdw extension's install script creates it; reinstall the extension.")));
  return relid;
}

Oid relation_owner(Oid relid) {
  HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
  if (!HeapTupleIsValid(tuple)) elog(ERROR, "cache lookup failed for relation %u", relid);
  Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple))->relowner;
  ReleaseSysCache(tuple);
  return owner;
}

}  // namespace

int64 next_run_id() {
  return DatumGetInt64(DirectFunctionCall1(nextval_oid, ObjectIdGetDatum(bookkeeping_relid("run_id_seq"))));
}

void run_as_bookkeeping_owner(const char *table, void (*work)(void *), void *arg) {
  Oid owner = relation_owner(bookkeeping_relid(table));
  Oid saved_user;
  int saved_context;
  GetUserIdAndSecContext(&saved_user, &saved_context);
  // The transaction's abort restores the user should the work fail.
  SetUserIdAndSecContext(owner, saved_context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_NOFORCE_RLS);
  work(arg);
  SetUserIdAndSecContext(saved_user, saved_context);
}

void spi_run_as_bookkeeping_owner(const char *table, const char *sql) {
  as_bookkeeping_owner(table, [&] { spi_run(sql); });
}

}  // namespace hangar
