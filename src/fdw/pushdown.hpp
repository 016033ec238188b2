// Splitting a foreign scan's WHERE and join clauses into those SQLite evaluates and those
// PostgreSQL keeps, and finding the join clauses that make parameterized scans (see
// pushdown.cpp for what is safe to ship and why).
#pragma once

#include "fdw/hangar_fdw.hpp"

extern "C" {
#include "nodes/pathnodes.h"
}

namespace hangar {

// What pushdown needs to know of the SQLite column a foreign table's column reads.
struct PushdownColumn {
  const char *sqlite_name;  // nullptr: the column reads no SQLite column
  int affinity;             // core Affinity of its declared type
  bool binary_collation;    // compared with SQLite's default BINARY collation (no COLLATE)
  bool rowid_alias;         // the INTEGER PRIMARY KEY of a rowid table
};

struct PushdownColumns {
  int natts;
  const PushdownColumn *by_attnum;  // [attnum - 1]
};

struct PushdownSplit {
  List *remote_conditions;  // RestrictInfos SQLite evaluates; the rest stay local
  List *remote_sql;         // String: the SQLite text of each, with parameters ?1, ?2, ...
  List *remote_values;      // Expr: the value of each parameter, in order
};

// clauses: RestrictInfos of the scan of baserel (its own conditions, and for a parameterized
// scan the join clauses that supply its parameters). Nothing is shipped when
// hangar_fdw.enable_pushdown is off.
PushdownSplit split_conditions(PlannerInfo *root, RelOptInfo *baserel, List *clauses, const PushdownColumns &columns);

// The ORDER BY SQLite can give for pathkeys ("c" DESC NULLS FIRST, ...): integer columns of
// INTEGER affinity, NULLs placed as PostgreSQL places them; nullptr when a key cannot be shipped.
const char *shippable_order(RelOptInfo *baserel, List *pathkeys, const PushdownColumns &columns);

// The join clauses comparing the rowid alias with values of other relations that SQLite could
// evaluate, one scan per outer row (equalities implied by equivalence classes included).
List *rowid_join_clauses(PlannerInfo *root, RelOptInfo *baserel, const PushdownColumns &columns);

}  // namespace hangar
