// The handler: hangar_fdw's FdwRoutine. Scans and IMPORT FOREIGN SCHEMA are implemented;
// writes are refused at plan time with a clear error until the write path exists.
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
    routine->BeginForeignScan = hangar::hangarBeginForeignScan;
    routine->IterateForeignScan = hangar::hangarIterateForeignScan;
    routine->ReScanForeignScan = hangar::hangarReScanForeignScan;
    routine->EndForeignScan = hangar::hangarEndForeignScan;
    routine->ExplainForeignScan = hangar::hangarExplainForeignScan;
    routine->PlanForeignModify = hangar::hangarPlanForeignModify;
    routine->ImportForeignSchema = hangar::hangarImportForeignSchema;
    PG_RETURN_POINTER(routine);
  });
}
}
