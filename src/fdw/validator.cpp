// The FDW's option validator: called by CREATE/ALTER SERVER, FOREIGN TABLE and their column
// options; the rules live in pg/options.cpp, shared with the lookups.
#include "fdw/hangar_fdw.hpp"

extern "C" {
#include "access/reloptions.h"
}

#include "pg/error_bridge.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(hangar_fdw_validator);

Datum hangar_fdw_validator(PG_FUNCTION_ARGS) {
  return hangar::pg_entry([&] {
    List *options = untransformRelOptions(PG_GETARG_DATUM(0));
    Oid catalog = PG_GETARG_OID(1);
    hangar::validate_options(options, catalog);
    PG_RETURN_VOID();
  });
}
}
