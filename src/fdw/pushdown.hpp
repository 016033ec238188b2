// Splitting a foreign scan's WHERE and join clauses into those SQLite evaluates and those
// PostgreSQL keeps, and finding the join clauses that make parameterized scans (see
// pushdown.cpp for what is safe to ship and why).
#pragma once

#include "fdw/hangar_fdw.hpp"

extern "C" {
#include "lib/stringinfo.h"
#include "nodes/pathnodes.h"
}

namespace hangar {

// What pushdown needs to know of the SQLite column a foreign table's column reads.
struct PushdownColumn {
  const char *sqlite_name;  // nullptr: the column reads no SQLite column
  int affinity;             // core Affinity of its declared type
  bool binary_collation;    // compared with SQLite's default BINARY collation (no COLLATE)
  bool rowid_alias;         // the INTEGER PRIMARY KEY of a rowid table
  bool indexed;             // SQLite finds a value of it without reading the table: the rowid alias,
                            // or the first column of an index (index_leading_columns)
  bool never_null;          // SQLite never stores NULL in it (Column::never_null)
};

struct PushdownColumns {
  int natts;
  const PushdownColumn *by_attnum;  // [attnum - 1]
  bool utf8;                        // the SQLite file stores text in UTF-8, as the server does
};

// An ORDER BY SQLite gives. Text ordered by an index ("c") is exact unless the column holds
// blobs (SQLite orders every blob after every text); the scan then runs the query with
// exact_order instead (CAST("c" AS BLOB): every value by its bytes), when SQL blob_probe finds one.
struct ShippedOrder {
  const char *order;        // "c" DESC NULLS FIRST, ...
  const char *exact_order;  // nullptr when order is exact whatever the file holds
  const char *blob_probe;   // a condition true of a row holding a blob in an ordered text column
};

struct PushdownSplit {
  List *remote_conditions;  // RestrictInfos SQLite evaluates; the rest stay local
  List *remote_sql;         // String: the SQLite text of each, with parameters ?1, ?2, ...
  List *remote_values;      // Expr: the value of each parameter, in order
};

// Appends a SQLite identifier in double quotes.
void append_sqlite_identifier(StringInfo out, const char *name);

// clauses: RestrictInfos of the scan of baserel (its own conditions, and for a parameterized
// scan the join clauses that supply its parameters). Nothing is shipped when
// hangar_fdw.enable_pushdown is off.
PushdownSplit split_conditions(PlannerInfo *root, RelOptInfo *baserel, List *clauses, const PushdownColumns &columns);

// The ORDER BY SQLite can give for pathkeys: integer columns of INTEGER affinity, and text
// columns of TEXT affinity compared under the C collation, with NULLs placed as PostgreSQL places
// them. order is nullptr when a key cannot be shipped.
ShippedOrder shippable_order(RelOptInfo *baserel, List *pathkeys, const PushdownColumns &columns);

// The join clauses comparing a column with values of other relations that SQLite could evaluate,
// one scan per outer row (equalities implied by equivalence classes included).
List *join_clauses(PlannerInfo *root, RelOptInfo *baserel, const PushdownColumns &columns);

// The column a shippable comparison (column op value) compares, or nullptr.
const PushdownColumn *compared_column(PlannerInfo *root, RelOptInfo *baserel, Expr *clause,
                                      const PushdownColumns &columns);

// A join of two foreign tables of one SQLite file that SQLite computes: INNER or LEFT, every
// condition of either table and of the join shipped, the join's comparisons between integer
// columns (pushdown.cpp says why).
struct JoinSide {
  RelOptInfo *rel;                 // a base relation of the join
  const char *table;               // SQLite's name of its table
  const PushdownColumns *columns;
  const char *alias;               // r1 (outer) or r2 (inner)
};
struct ShippedJoin {
  const char *from;   // "a" AS r1 LEFT JOIN "b" AS r2 ON (...)
  const char *where;  // nullptr when no condition is above the join
  List *values;       // Expr: the value of each parameter ?n, in order
  bool indexed;       // a join comparison has an index (or the rowid) on one of its columns
};
bool ship_join(PlannerInfo *root, const JoinSide &outer, const JoinSide &inner, JoinType jointype,
               List *restrictlist, ShippedJoin *shipped);

// Aggregation SQLite computes for a query on one foreign table (GROUP BY and aggregates).
// The scan's result columns are select_items: first the outputs read through a converter
// (grouping columns, min and max), then the others. outputs has one IntList per output column of
// the aggregated rows: kind (AggregateOutput), its first result column, and the foreign table's
// attribute whose options convert it (0 when none).
enum AggregateOutput { kOutputConverted = 0, kOutputInt8 = 1, kOutputAvg = 2 };
struct ShippedAggregation {
  List *select_items;   // String: SQLite expressions
  List *group_by;       // String: SQLite expressions
  List *outputs;        // IntList per output: kind, result column, attnum
  const char *guard;    // nullptr, or a condition true of a row whose value min, max, sum or avg
                        // would read although PostgreSQL cannot (scan.cpp then converts it to fail)
  List *guard_attnums;  // the attributes whose values the guard's row is converted for
  double groups;        // estimated number of groups
  bool sorted_groups;   // SQLite sorts the rows to group them (no index leads with the one key)
};

// Whether SQLite can compute target (the GROUP_AGG target of a query on baserel, grouped by
// root->parse->groupClause) as PostgreSQL would; fills *shipped when it can.
bool ship_aggregation(PlannerInfo *root, RelOptInfo *baserel, PathTarget *target, const PushdownColumns &columns,
                      ShippedAggregation *shipped);

}  // namespace hangar
