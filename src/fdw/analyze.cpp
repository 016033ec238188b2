// ANALYZE of a foreign table: every row of the SQLite table is read once and a random sample of
// them (reservoir sampling, as PostgreSQL samples its own tables) is converted, so pg_class gets
// the row count and pg_stats the columns' statistics, and joins with local tables are planned
// with them. Only the sampled rows are converted; a sampled value that does not convert fails
// the ANALYZE as it would fail a scan.
#include "fdw/hangar_fdw.hpp"

extern "C" {
#include "access/htup_details.h"
#include "commands/vacuum.h"
#include "utils/rel.h"
#include "utils/sampling.h"
}

#include <string>
#include <vector>

#include "pg/error_bridge.hpp"
#include "convert/row_context.hpp"
#include "convert/value_convert.hpp"
#include "core/schema_reader.hpp"
#include "core/sqlite_db.hpp"
#include "core/sqlite_query.hpp"

namespace hangar {

namespace {

constexpr double kRowsPerPage = 100.0;  // only for relpages, which nothing here relies on

struct SampleScan {
  sqlite3_stmt *stmt;
  int ncolumns;
  AttrNumber *attnums;
  ColumnConverter *converters;
  RowContext row;
  SqliteValue rowid;
};

// Prepares SELECT of every column of the foreign table (then the rowid, for error messages).
SampleScan *begin_sample_scan(Relation relation) {
  Oid relid = RelationGetRelid(relation);
  TupleDesc desc = RelationGetDescr(relation);
  ServerOptions server = server_options(GetForeignTable(relid)->serverid);
  const char *table_name = foreign_table_sqlite_name(relid);
  Database &db = connection_for_relation(relid, false);
  SampleScan *scan = static_cast<SampleScan *>(palloc0(sizeof(SampleScan)));
  scan->attnums = static_cast<AttrNumber *>(palloc(sizeof(AttrNumber) * (desc->natts + 1)));
  scan->converters = static_cast<ColumnConverter *>(palloc(sizeof(ColumnConverter) * (desc->natts + 1)));
  const char **columns = static_cast<const char **>(palloc(sizeof(char *) * (desc->natts + 1)));
  for (int i = 0; i < desc->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (att->attisdropped) continue;
    ColumnOptions column = column_options(relid, att->attnum);
    columns[scan->ncolumns] = column.column_name;
    scan->attnums[scan->ncolumns] = att->attnum;
    converter_init(&scan->converters[scan->ncolumns], att->atttypid, att->atttypmod, column, server);
    ++scan->ncolumns;
  }
  char *sql;
  bool has_rowid;
  {
    // C++ objects live only in this block; its only PostgreSQL call cannot raise.
    Table table = read_table(db, table_name);
    std::vector<std::string> names(columns, columns + scan->ncolumns);
    has_rowid = !table.rowid_name.empty();
    sql = palloc_string(select_sql(table.name, names, table.rowid_name, {}));
  }
  scan->row.table = table_name;
  scan->row.columns = columns;
  scan->row.rowid = has_rowid ? &scan->rowid : nullptr;
  scan->row.current_column = -1;
  prepare_owned_statement(db.handle(), sql, &scan->stmt, psprintf("could not read SQLite table \"%s\"", table_name));
  return scan;
}

HeapTuple sampled_tuple(SampleScan *scan, TupleDesc desc, MemoryContext row_context) {
  if (scan->row.rowid) scan->rowid = read_sqlite_value(scan->stmt, scan->ncolumns);
  MemoryContext tuple_context = MemoryContextSwitchTo(row_context);
  Datum *values = static_cast<Datum *>(palloc(sizeof(Datum) * (desc->natts + 1)));
  bool *isnull = static_cast<bool *>(palloc(sizeof(bool) * (desc->natts + 1)));
  convert_row(scan->stmt, scan->ncolumns, scan->attnums, scan->converters, &scan->row, desc->natts, values, isnull);
  MemoryContextSwitchTo(tuple_context);
  HeapTuple tuple = heap_form_tuple(desc, values, isnull);
  MemoryContextReset(row_context);
  return tuple;
}

int acquire_sample_rows(Relation relation, int, HeapTuple *rows, int targrows, double *totalrows,
                        double *totaldeadrows) {
  return pg_entry([&] {
    TupleDesc desc = RelationGetDescr(relation);
    SampleScan *scan = begin_sample_scan(relation);
    MemoryContext row_context = AllocSetContextCreate(CurrentMemoryContext, "hangar_fdw sample row", ALLOCSET_SMALL_SIZES);
    ReservoirStateData reservoir;
    reservoir_init_selection_state(&reservoir, targrows);
    double seen = 0, to_skip = -1;
    int sampled = 0;
    int rc;
    while ((rc = sqlite3_step(scan->stmt)) == SQLITE_ROW) {
#if PG_VERSION_NUM >= 180000
      vacuum_delay_point(true);  // also CHECK_FOR_INTERRUPTS
#else
      vacuum_delay_point();  // also CHECK_FOR_INTERRUPTS
#endif
      seen += 1;
      scan->row.row_number++;
      if (sampled < targrows) {
        rows[sampled++] = sampled_tuple(scan, desc, row_context);
        continue;
      }
      // Algorithm Z, as PostgreSQL's own ANALYZE and postgres_fdw sample.
      if (to_skip < 0) to_skip = reservoir_get_next_S(&reservoir, seen, targrows);
      if (to_skip <= 0) {
        int k = static_cast<int>(targrows * sampler_random_fract(&reservoir.randstate));
        heap_freetuple(rows[k]);
        rows[k] = sampled_tuple(scan, desc, row_context);
      }
      to_skip -= 1;
    }
    if (rc != SQLITE_DONE)
      report_sqlite_error(sqlite3_db_handle(scan->stmt), rc, psprintf("could not read SQLite table \"%s\"", scan->row.table));
    finish_owned_statement(&scan->stmt);
    MemoryContextDelete(row_context);
    *totalrows = seen;
    *totaldeadrows = 0;
    return sampled;
  });
}

}  // namespace

bool hangarAnalyzeForeignTable(Relation relation, AcquireSampleRowsFunc *func, BlockNumber *totalpages) {
  return pg_entry([&] {
    Oid relid = RelationGetRelid(relation);
    Database &db = connection_for_relation(relid, false);
    double rows;
    {
      // C++ objects live only in this block.
      Table table = read_table(db, foreign_table_sqlite_name(relid));
      rows = estimate_rows(db, table);
    }
    *func = acquire_sample_rows;
    *totalpages = static_cast<BlockNumber>(rows / kRowsPerPage) + 1;
    return true;
  });
}

}  // namespace hangar
