// Splitting a foreign scan's WHERE clauses into those SQLite evaluates and those PostgreSQL
// keeps (see pushdown.cpp for what is safe to ship and why).
#pragma once

#include "fdw/hangar_fdw.hpp"

extern "C" {
#include "nodes/pathnodes.h"
}

namespace hangar {

struct PushdownSplit {
  List *remote_conditions;  // RestrictInfos SQLite evaluates; the rest stay local
  List *remote_operators;   // String: the SQLite operator of each, column on the left
  List *remote_values;      // Expr: the Const or Param compared with, bound as ?1, ?2, ...
};

// rowid_attnum: the foreign table's column that reads the SQLite rowid alias, or
// InvalidAttrNumber when the table has none (then nothing is shipped).
PushdownSplit split_conditions(RelOptInfo *baserel, AttrNumber rowid_attnum);

}  // namespace hangar
