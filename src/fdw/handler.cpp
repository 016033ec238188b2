// The handler: hangar_fdw's FdwRoutine: scans, writes through updatable foreign tables (COPY and
// rows routed into a foreign partition too), TRUNCATE, IMPORT FOREIGN SCHEMA and ANALYZE.
#include "fdw/hangar_fdw.hpp"

#include "pg/error_bridge.hpp"

extern "C" {
PG_MODULE_MAGIC;
PG_FUNCTION_INFO_V1(hangar_fdw_handler);

Datum hangar_fdw_handler(PG_FUNCTION_ARGS) {
  return hangar::pg_entry([&] {
    FdwRoutine *routine = makeNode(FdwRoutine);
    routine->GetForeignRelSize = hangar::hangarGetForeignRelSize;
    routine->GetForeignPaths = hangar::hangarGetForeignPaths;
    routine->GetForeignPlan = hangar::hangarGetForeignPlan;
    routine->GetForeignJoinPaths = hangar::hangarGetForeignJoinPaths;
    routine->GetForeignUpperPaths = hangar::hangarGetForeignUpperPaths;
    routine->BeginForeignScan = hangar::hangarBeginForeignScan;
    routine->IterateForeignScan = hangar::hangarIterateForeignScan;
    routine->ReScanForeignScan = hangar::hangarReScanForeignScan;
    routine->EndForeignScan = hangar::hangarEndForeignScan;
    routine->ExplainForeignScan = hangar::hangarExplainForeignScan;
    routine->IsForeignRelUpdatable = hangar::hangarIsForeignRelUpdatable;
    routine->AddForeignUpdateTargets = hangar::hangarAddForeignUpdateTargets;
    routine->PlanForeignModify = hangar::hangarPlanForeignModify;
    routine->BeginForeignModify = hangar::hangarBeginForeignModify;
    routine->ExecForeignInsert = hangar::hangarExecForeignInsert;
    routine->ExecForeignUpdate = hangar::hangarExecForeignUpdate;
    routine->ExecForeignDelete = hangar::hangarExecForeignDelete;
    routine->EndForeignModify = hangar::hangarEndForeignModify;
    routine->BeginForeignInsert = hangar::hangarBeginForeignInsert;
    routine->EndForeignInsert = hangar::hangarEndForeignInsert;
    routine->ExplainForeignModify = hangar::hangarExplainForeignModify;
    routine->ExecForeignTruncate = hangar::hangarExecForeignTruncate;
    routine->ImportForeignSchema = hangar::hangarImportForeignSchema;
    routine->AnalyzeForeignTable = hangar::hangarAnalyzeForeignTable;
    PG_RETURN_POINTER(routine);
  });
}
}
