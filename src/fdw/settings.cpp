// hangar_fdw's settings (GUC variables), defined when the module is loaded (_PG_init).
//
// hangar_fdw.enable_pushdown (boolean, default on, any user may set it): with it off, every
// condition stays in PostgreSQL and every scan reads the whole table, for diagnosis and for the
// differential tests that compare answers with pushdown on and off.
#include "fdw/hangar_fdw.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace hangar {
bool enable_pushdown = true;
}

extern "C" {
void _PG_init(void);

void _PG_init(void) {
  DefineCustomBoolVariable("hangar_fdw.enable_pushdown",
                           "Lets hangar_fdw have SQLite evaluate the conditions it can evaluate exactly.",
                           "Off: every condition is evaluated in PostgreSQL and every foreign scan reads its whole table.",
                           &hangar::enable_pushdown, true, PGC_USERSET, 0, nullptr, nullptr, nullptr);
#if PG_VERSION_NUM >= 150000
  MarkGUCPrefixReserved("hangar_fdw");
#else
  EmitWarningsOnPlaceholders("hangar_fdw");
#endif
}
}
