// Declarations shared by the files of the foreign-data wrapper (the FDW callbacks), grouped by
// the file that defines them (as contrib/postgres_fdw's postgres_fdw.h is).
#pragma once

#include "pg/common.hpp"

extern "C" {
#include "foreign/fdwapi.h"
#include "catalog/pg_type.h"
#include "storage/itemptr.h"
}

namespace hangar {

// scan_planner.cpp: planner callbacks. fdw_private of the ForeignScan is FdwScanPrivate below:
// the SQLite query, the attributes it retrieves, whether it ends with the rowid, the foreign
// table (its Oid as text: a scan of an aggregation has no scan relation), the outputs of an
// aggregation (NIL for a scan of rows; ShippedAggregation::outputs), the order guard (NIL, or a
// probe query and the query to run instead when the probe finds a row: ShippedOrder), and the
// aggregation's guard (NIL, or a probe query, the attributes whose values it reads, and whether
// it ends with the rowid: ShippedAggregation::guard), and for a join the two tables: each a
// List of its Oid as text, the attributes its columns of the result read (in order: the first
// table's, then the second's, then the rowid of each that has one), and whether it has a rowid.
enum FdwScanPrivate {
  kPrivateSql = 0,
  kPrivateRetrievedAttrs = 1,
  kPrivateHasRowid = 2,
  kPrivateRelid = 3,
  kPrivateAggregates = 4,
  kPrivateOrderGuard = 5,
  kPrivateAggregateGuard = 6,
  kPrivateJoinTables = 7
};
void hangarGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
void hangarGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
ForeignScan *hangarGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
                                  ForeignPath *best_path, List *tlist, List *scan_clauses, Plan *outer_plan);
void hangarGetForeignJoinPaths(PlannerInfo *root, RelOptInfo *joinrel, RelOptInfo *outerrel, RelOptInfo *innerrel,
                               JoinType jointype, JoinPathExtraData *extra);
void hangarGetForeignUpperPaths(PlannerInfo *root, UpperRelationKind stage, RelOptInfo *input_rel,
                                RelOptInfo *output_rel, void *extra);

// scan.cpp: executor callbacks
void hangarBeginForeignScan(ForeignScanState *node, int eflags);
TupleTableSlot *hangarIterateForeignScan(ForeignScanState *node);
void hangarReScanForeignScan(ForeignScanState *node);
void hangarEndForeignScan(ForeignScanState *node);
void hangarExplainForeignScan(ForeignScanState *node, ExplainState *es);

// modify.cpp: writes (INSERT, UPDATE, DELETE, TRUNCATE) through updatable foreign tables
[[noreturn]] void refuse_not_updatable(Oid relid, CmdType operation);
int hangarIsForeignRelUpdatable(Relation rel);
void hangarAddForeignUpdateTargets(PlannerInfo *root, Index rtindex, RangeTblEntry *target_rte, Relation target_relation);
List *hangarPlanForeignModify(PlannerInfo *root, ModifyTable *plan, Index resultRelation, int subplan_index);
void hangarBeginForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo, List *fdw_private, int subplan_index,
                              int eflags);
TupleTableSlot *hangarExecForeignInsert(EState *estate, ResultRelInfo *rinfo, TupleTableSlot *slot, TupleTableSlot *plan_slot);
TupleTableSlot *hangarExecForeignUpdate(EState *estate, ResultRelInfo *rinfo, TupleTableSlot *slot, TupleTableSlot *plan_slot);
TupleTableSlot *hangarExecForeignDelete(EState *estate, ResultRelInfo *rinfo, TupleTableSlot *slot, TupleTableSlot *plan_slot);
void hangarEndForeignModify(EState *estate, ResultRelInfo *rinfo);
void hangarBeginForeignInsert(ModifyTableState *mtstate, ResultRelInfo *rinfo);
void hangarEndForeignInsert(EState *estate, ResultRelInfo *rinfo);
void hangarExplainForeignModify(ModifyTableState *mtstate, ResultRelInfo *rinfo, List *fdw_private, int subplan_index,
                                ExplainState *es);
void hangarExecForeignTruncate(List *rels, DropBehavior behavior, bool restart_seqs);

// A row's rowid travels from the scan to UPDATE and DELETE in its ctid: the 6 bytes of an item
// pointer hold rowids within +/-2^45 (block and offset, offsets from 1 as item pointers count).
// A rowid beyond that gets an invalid item pointer, which rowid_from_tid refuses.
constexpr int64 kTidRowidBias = INT64CONST(1) << 45;
inline void rowid_to_tid(int64 rowid, ItemPointer tid) {
  if (rowid < -kTidRowidBias || rowid >= kTidRowidBias) {
    ItemPointerSetInvalid(tid);
    return;
  }
  uint64 biased = static_cast<uint64>(rowid + kTidRowidBias);
  ItemPointerSet(tid, static_cast<BlockNumber>(biased >> 15), static_cast<OffsetNumber>((biased & 0x7fff) + 1));
}
inline bool rowid_from_tid(ItemPointer tid, int64 *rowid) {
  if (!ItemPointerIsValid(tid) || ItemPointerGetBlockNumberNoCheck(tid) == InvalidBlockNumber) return false;
  uint64 biased = (static_cast<uint64>(ItemPointerGetBlockNumberNoCheck(tid)) << 15) |
                  static_cast<uint64>(ItemPointerGetOffsetNumberNoCheck(tid) - 1);
  *rowid = static_cast<int64>(biased) - kTidRowidBias;
  return true;
}

// analyze.cpp: ANALYZE of a foreign table
bool hangarAnalyzeForeignTable(Relation relation, AcquireSampleRowsFunc *func, BlockNumber *totalpages);

// smallint, integer or bigint (the types SQLite's 64-bit integers are read as)
inline bool is_integer_type(Oid type) { return type == INT2OID || type == INT4OID || type == INT8OID; }

// settings.cpp: the GUC hangar_fdw.enable_pushdown
extern bool enable_pushdown;

// import.cpp: IMPORT FOREIGN SCHEMA
List *hangarImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid);

}  // namespace hangar
