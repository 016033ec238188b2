// Splitting a foreign scan's WHERE and join clauses into those SQLite evaluates and those
// PostgreSQL keeps, and finding the join clauses that make parameterized scans (see
// pushdown.cpp for what is safe to ship and why).
#pragma once

#include "fdw/hangar_fdw.hpp"

extern "C" {
#include "nodes/pathnodes.h"
}

namespace hangar {

struct PushdownSplit {
  List *remote_conditions;  // RestrictInfos SQLite evaluates; the rest stay local
  List *remote_operators;   // String: the SQLite operator of each, column on the left
  List *remote_values;      // Expr: what the column is compared with, bound as ?1, ?2, ...
};

// clauses: RestrictInfos of the scan of baserel (its own conditions, and for a parameterized
// scan the join clauses that supply its parameters). rowid_attnum: the foreign table's column
// that reads the SQLite rowid alias, or InvalidAttrNumber when the table has none (then nothing
// is shipped). Nothing is shipped either when hangar_fdw.enable_pushdown is off.
PushdownSplit split_conditions(PlannerInfo *root, RelOptInfo *baserel, List *clauses, AttrNumber rowid_attnum);

// The join clauses comparing the rowid alias with values of other relations that SQLite could
// evaluate, one scan per outer row (equalities implied by equivalence classes included).
List *rowid_join_clauses(PlannerInfo *root, RelOptInfo *baserel, AttrNumber rowid_attnum);

}  // namespace hangar
