// Declarations shared by the files of the foreign-data wrapper (the FDW callbacks), grouped by
// the file that defines them (as contrib/postgres_fdw's postgres_fdw.h is).
#pragma once

#include "pg/common.hpp"

extern "C" {
#include "foreign/fdwapi.h"
}

namespace hangar {

// scan_planner.cpp: planner callbacks. fdw_private of the ForeignScan is FdwScanPrivate below.
enum FdwScanPrivate { kPrivateSql = 0, kPrivateRetrievedAttrs = 1, kPrivateHasRowid = 2 };
void hangarGetForeignRelSize(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
void hangarGetForeignPaths(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid);
ForeignScan *hangarGetForeignPlan(PlannerInfo *root, RelOptInfo *baserel, Oid foreigntableid,
                                  ForeignPath *best_path, List *tlist, List *scan_clauses, Plan *outer_plan);
List *hangarPlanForeignModify(PlannerInfo *root, ModifyTable *plan, Index resultRelation, int subplan_index);

// scan.cpp: executor callbacks
void hangarBeginForeignScan(ForeignScanState *node, int eflags);
TupleTableSlot *hangarIterateForeignScan(ForeignScanState *node);
void hangarReScanForeignScan(ForeignScanState *node);
void hangarEndForeignScan(ForeignScanState *node);
void hangarExplainForeignScan(ForeignScanState *node, ExplainState *es);

// import.cpp: IMPORT FOREIGN SCHEMA
List *hangarImportForeignSchema(ImportForeignSchemaStmt *stmt, Oid serverOid);

}  // namespace hangar
