// The SQL-callable migration functions: hangar_migrate(), hangar_plan(), hangar_verify() and
// hangar_export().
// They read their arguments, call run.cpp / verify.cpp / the planner, and return rows through a
// materialized set. hangar_plan changes nothing: it reads SQLite and returns the statements.
#include "migrate/migrate.hpp"

extern "C" {
#include "executor/spi.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"
}

#include "core/migration_planner.hpp"
#include "pg/error_bridge.hpp"

namespace hangar {

namespace {

// The arguments hangar_migrate and hangar_plan share, in this order:
// source, target_schema, column_types, on_error, type_map, identity, enums, verify,
// verify_view_rows, fts, framework. They are read
// into plain values (detoasted, palloc'd) before any C++ object exists, then parsed.
struct RawArguments {
  const char *source;
  const char *target_schema;
  Jsonb *column_types;  // nullptr when NULL
  OnError on_error;
  Jsonb *type_map;
  bool identity;
  bool enums;
  bool verify;
  int64 verify_view_rows;
  bool fulltext_tables;
  Framework framework;
};

RawArguments raw_arguments(FunctionCallInfo fcinfo, int nargs) {
  const char *names[] = {"source", "target_schema", "column_types", "on_error",         "type_map",
                         "identity", "enums",  "verify",       "verify_view_rows", "fts", "framework"};
  for (int i = 0; i < nargs; ++i)
    if (PG_ARGISNULL(i) && i != 2 && i != 4)
      ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", names[i])));
  RawArguments raw = {text_to_cstring(PG_GETARG_TEXT_PP(0)), pstrdup(NameStr(*PG_GETARG_NAME(1))), nullptr,
                      OnError::Stop, nullptr, false, true, true, 0, false, Framework::Auto};
  if (nargs <= 2) return raw;
  raw.column_types = PG_ARGISNULL(2) ? nullptr : PG_GETARG_JSONB_P(2);
  raw.on_error = parse_on_error(text_to_cstring(PG_GETARG_TEXT_PP(3)));
  raw.type_map = PG_ARGISNULL(4) ? nullptr : PG_GETARG_JSONB_P(4);
  raw.identity = PG_GETARG_BOOL(5);
  raw.enums = PG_GETARG_BOOL(6);
  raw.verify = PG_GETARG_BOOL(7);
  raw.verify_view_rows = PG_GETARG_INT64(8);
  if (raw.verify_view_rows < 0)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("verify_view_rows must not be negative"),
                    errhint("Give 0 to create views without comparing their rows with SQLite's.")));
  const char *fts = text_to_cstring(PG_GETARG_TEXT_PP(9));
  if (strcmp(fts, "tsvector") == 0)
    raw.fulltext_tables = true;
  else if (strcmp(fts, "report") != 0)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid value for fts: \"%s\"", fts),
                    errhint("Valid values are \"report\" and \"tsvector\".")));
  if (nargs > 10) {
    const char *framework = text_to_cstring(PG_GETARG_TEXT_PP(10));
    if (!parse_framework(framework, &raw.framework))
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid value for framework: \"%s\"", framework),
                      errhint("Valid values are \"auto\", \"alembic\", \"django\" and \"none\".")));
  }
  return raw;
}

struct Arguments {
  const char *source;
  OnError on_error;
  bool verify;
  int64 verify_view_rows;
};

Arguments parse_arguments(const RawArguments &raw, MigrationOptions *options) {
  options->target_schema = raw.target_schema;
  options->identity = raw.identity;
  options->enums = raw.enums;
  options->fulltext_tables = raw.fulltext_tables;
  options->framework = raw.framework;
  // In stop mode foreign keys are checked during the copy where that is exact (hangar_plan
  // shows the order hangar_migrate runs); reject mode removes orphans after the data instead.
  options->foreign_keys_in_copy = raw.on_error == OnError::Stop;
  parse_type_options(raw.column_types, raw.type_map, options);
  return {raw.source, raw.on_error, raw.verify, raw.verify_view_rows};
}

// Emits one row; `fill` sets values/nulls (all NULL beforehand).
template <typename Fill>
void emit(ReturnSetInfo *rsinfo, Fill fill) {
  int natts = rsinfo->setDesc->natts;
  Datum *values = palloc_items<Datum>(static_cast<size_t>(natts));
  bool *nulls = palloc_items<bool>(static_cast<size_t>(natts));
  memset(nulls, true, sizeof(bool) * natts);
  fill(values, nulls);
  pg_guard([&] { tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls); });
}

// A text Datum for C++ code with live objects: palloc'd without raising.
Datum text_datum(const std::string &s) {
  text *t = static_cast<text *>(palloc_extended(VARHDRSZ + s.size(), MCXT_ALLOC_NO_OOM));
  if (!t) throw std::bad_alloc();
  SET_VARSIZE(t, VARHDRSZ + s.size());
  if (!s.empty()) memcpy(VARDATA(t), s.data(), s.size());
  return PointerGetDatum(t);
}

// The report columns of hangar_migrate, in the order the install script declares them.
void emit_migration_row(ReturnSetInfo *rsinfo, const ReportRow &row, int64 run_id) {
  emit(rsinfo, [&](Datum *v, bool *n) {
    if (!row.table_name.empty()) v[0] = text_datum(row.table_name), n[0] = false;
    if (!row.target_table.empty()) v[1] = text_datum(row.target_table), n[1] = false;
    if (row.has_counts) {
      v[2] = Int64GetDatum(row.rows), n[2] = false;
      v[3] = Int64GetDatum(row.other_rows), n[3] = false;
    }
    if (row.verified >= 0) v[4] = BoolGetDatum(row.verified == 1), n[4] = false;
    if (row.copy_seconds >= 0) v[5] = Float8GetDatum(row.copy_seconds), n[5] = false;
    if (row.seconds >= 0) v[6] = Float8GetDatum(row.seconds), n[6] = false;
    if (!row.detail.empty()) v[7] = text_datum(row.detail), n[7] = false;
    v[8] = Int64GetDatum(run_id), n[8] = false;
  });
}

}  // namespace

}  // namespace hangar

extern "C" {
PG_FUNCTION_INFO_V1(hangar_migrate);
PG_FUNCTION_INFO_V1(hangar_plan);
PG_FUNCTION_INFO_V1(hangar_verify);
PG_FUNCTION_INFO_V1(hangar_export);
PG_FUNCTION_INFO_V1(hangar_sync);
PG_FUNCTION_INFO_V1(hangar_capture_start);
PG_FUNCTION_INFO_V1(hangar_capture_stop);

Datum hangar_migrate(PG_FUNCTION_ARGS) {
  return hangar::pg_entry([&] {
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    hangar::RawArguments raw = hangar::raw_arguments(fcinfo, PG_NARGS());
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    {
      hangar::MigrationOptions options;
      hangar::Arguments args = hangar::parse_arguments(raw, &options);
      hangar::MigrationRequest request{args.source, &options, args.on_error, args.verify, args.verify_view_rows};
      int64 run_id = 0;
      std::vector<hangar::ReportRow> rows = hangar::run_migration(request, &run_id);
      for (const hangar::ReportRow &row : rows) hangar::emit_migration_row(rsinfo, row, run_id);
    }
    SPI_finish();
    return (Datum)0;
  });
}

Datum hangar_plan(PG_FUNCTION_ARGS) {
  return hangar::pg_entry([&] {
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    hangar::RawArguments raw = hangar::raw_arguments(fcinfo, PG_NARGS());
    hangar::MigrationOptions options;
    hangar::Arguments args = hangar::parse_arguments(raw, &options);
    hangar::MigrationSource source = hangar::pg_guard([&] { return hangar::resolve_source(args.source); });
    hangar::MigrationPlan plan;
    hangar::build_plan(source, options, &plan);
    int number = 0;
    for (const hangar::PlanStep &step : plan.steps) {
      ++number;
      hangar::emit(rsinfo, [&](Datum *v, bool *n) {
        v[0] = Int32GetDatum(number), n[0] = false;
        v[1] = hangar::text_datum(hangar::phase_name(step.phase)), n[1] = false;
        if (step.table >= 0) v[2] = hangar::text_datum(plan.tables[static_cast<size_t>(step.table)].sqlite_name), n[2] = false;
        v[3] = hangar::text_datum(step.sql), n[3] = false;
      });
    }
    return (Datum)0;
  });
}

Datum hangar_verify(PG_FUNCTION_ARGS) {
  return hangar::pg_entry([&] {
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    hangar::RawArguments raw = hangar::raw_arguments(fcinfo, 2);
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");  // views are compared by query
    {
      hangar::MigrationOptions options;
      hangar::Arguments args = hangar::parse_arguments(raw, &options);
      for (const hangar::ReportRow &row : hangar::verify_migration(args.source, options)) {
        hangar::emit(rsinfo, [&](Datum *v, bool *n) {
          v[0] = hangar::text_datum(row.table_name), n[0] = false;
          v[1] = hangar::text_datum(row.target_table), n[1] = false;
          if (row.has_counts) {
            v[2] = Int64GetDatum(row.rows), n[2] = false;
            v[3] = Int64GetDatum(row.other_rows), n[3] = false;
          }
          if (row.verified >= 0) v[4] = BoolGetDatum(row.verified == 1), n[4] = false;
          if (!row.detail.empty()) v[5] = hangar::text_datum(row.detail), n[5] = false;
        });
      }
    }
    SPI_finish();
    return (Datum)0;
  });
}

Datum hangar_export(PG_FUNCTION_ARGS) {
  return hangar::pg_entry([&] {
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    const char *names[] = {"source_schema", "target", "if_exists", "verify"};
    for (int i = 0; i < 4; ++i)
      if (PG_ARGISNULL(i))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", names[i])));
    const char *if_exists = text_to_cstring(PG_GETARG_TEXT_PP(2));
    if (strcmp(if_exists, "error") != 0 && strcmp(if_exists, "replace") != 0)
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid value for if_exists: \"%s\"", if_exists),
                      errhint("Valid values are \"error\" and \"replace\".")));
    hangar::ExportRequest request{pstrdup(NameStr(*PG_GETARG_NAME(0))), text_to_cstring(PG_GETARG_TEXT_PP(1)),
                                  strcmp(if_exists, "replace") == 0, PG_GETARG_BOOL(3)};
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    {
      for (const hangar::ReportRow &row : hangar::run_export(request)) {
        hangar::emit(rsinfo, [&](Datum *v, bool *n) {
          if (!row.table_name.empty()) v[0] = hangar::text_datum(row.table_name), n[0] = false;
          if (!row.target_table.empty()) v[1] = hangar::text_datum(row.target_table), n[1] = false;
          if (row.has_counts) v[2] = Int64GetDatum(row.rows), n[2] = false;
          if (row.verified >= 0) v[3] = BoolGetDatum(row.verified == 1), n[3] = false;
          if (row.seconds >= 0 && row.has_counts) v[4] = Float8GetDatum(row.seconds), n[4] = false;
          if (!row.detail.empty()) v[5] = hangar::text_datum(row.detail), n[5] = false;
        });
      }
    }
    SPI_finish();
    return (Datum)0;
  });
}

Datum hangar_sync(PG_FUNCTION_ARGS) {
  return hangar::pg_entry([&] {
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    const char *names[] = {"source", "target_schema", "overwrite", "on_error"};
    for (int i = 0; i < 4; ++i)
      if (PG_ARGISNULL(i))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be null", names[i])));
    const char *source = text_to_cstring(PG_GETARG_TEXT_PP(0));
    const char *schema = pstrdup(NameStr(*PG_GETARG_NAME(1)));
    hangar::SyncRequest request{source, schema, PG_GETARG_BOOL(2),
                                hangar::parse_on_error(text_to_cstring(PG_GETARG_TEXT_PP(3)))};
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    {
      std::vector<hangar::SyncReport> rows = hangar::sync_migration(request);
      for (const hangar::SyncReport &row : rows)
        hangar::emit(rsinfo, [&](Datum *v, bool *n) {
          v[0] = hangar::text_datum(row.table_name), n[0] = false;
          v[1] = hangar::text_datum(row.target_table), n[1] = false;
          if (row.rows_inserted >= 0) v[2] = Int64GetDatum(row.rows_inserted), n[2] = false;
          if (row.rows_updated >= 0) v[3] = Int64GetDatum(row.rows_updated), n[3] = false;
          if (row.rows_deleted >= 0) v[4] = Int64GetDatum(row.rows_deleted), n[4] = false;
          if (row.verified >= 0) v[5] = BoolGetDatum(row.verified == 1), n[5] = false;
          if (row.seconds >= 0) v[6] = Float8GetDatum(row.seconds), n[6] = false;
          if (!row.detail.empty()) v[7] = hangar::text_datum(row.detail), n[7] = false;
        });
    }
    SPI_finish();
    return (Datum)0;
  });
}

namespace {
Datum capture_function(FunctionCallInfo fcinfo, std::vector<hangar::CaptureReport> (*work)(const char *)) {
  return hangar::pg_entry([&] {
    InitMaterializedSRF(fcinfo, 0);
    ReturnSetInfo *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    const char *source = text_to_cstring(PG_GETARG_TEXT_PP(0));
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
    {
      std::vector<hangar::CaptureReport> rows = work(source);
      for (const hangar::CaptureReport &row : rows)
        hangar::emit(rsinfo, [&](Datum *v, bool *n) {
          v[0] = hangar::text_datum(row.table_name), n[0] = false;
          v[1] = hangar::text_datum(row.detail), n[1] = false;
        });
    }
    SPI_finish();
    return (Datum)0;
  });
}
}  // namespace

Datum hangar_capture_start(PG_FUNCTION_ARGS) { return capture_function(fcinfo, hangar::capture_start); }

Datum hangar_capture_stop(PG_FUNCTION_ARGS) { return capture_function(fcinfo, hangar::capture_stop); }
}
