// Running the migration's generated statements through SPI, plainly or inside a subtransaction
// for the optional steps whose failure is reported rather than fatal, and the subtransaction
// runner itself (as a PL/pgSQL EXCEPTION block does it), which the copy's reject mode uses too;
// and reading catalog queries' rows as text (the record of a migration, the export); and
// configuration set for the rest of a call, as a function's SET clause sets it.
// Only errors about a statement's own SQL are ever reported instead of raised: a cut (cancel,
// statement_timeout, shutdown), a full disk, out of memory or an internal error always fail
// the migration, leaving nothing behind.
#include "migrate/migrate.hpp"

#include "pg/error_bridge.hpp"

extern "C" {
#include "access/xact.h"
#include "executor/spi.h"
#include "utils/guc.h"
#include "utils/resowner.h"
}

namespace hangar {

void spi_run(const char *sql) {
  int rc = SPI_execute(sql, false, 0);
  if (rc < 0) elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(rc));
}

void spi_run_with_hint(const char *sql, int sqlerrcode, const char *hint) {
  MemoryContext context = CurrentMemoryContext;
  PG_TRY();
  {
    spi_run(sql);
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(context);
    ErrorData *error = CopyErrorData();
    if (error->sqlerrcode != sqlerrcode || error->hint) PG_RE_THROW();
    FlushErrorState();
    error->hint = pstrdup(hint);
    ReThrowError(error);
  }
  PG_END_TRY();
}

ErrorData *run_in_subtransaction(void (*work)(void *), void *arg) {
  MemoryContext old_context = CurrentMemoryContext;
  ResourceOwner old_owner = CurrentResourceOwner;
  ErrorData *volatile error = nullptr;
  BeginInternalSubTransaction(nullptr);
  MemoryContextSwitchTo(old_context);
  PG_TRY();
  {
    work(arg);
    ReleaseCurrentSubTransaction();
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(old_context);
    error = CopyErrorData();
    FlushErrorState();
    RollbackAndReleaseCurrentSubTransaction();
  }
  PG_END_TRY();
  MemoryContextSwitchTo(old_context);
  CurrentResourceOwner = old_owner;
  return error;
}

bool is_value_error(int sqlerrcode) {
  int category = ERRCODE_TO_CATEGORY(sqlerrcode);
  return category == ERRCODE_DATA_EXCEPTION                  // 22: a value a type or function cannot take
         || category == ERRCODE_INTEGRITY_CONSTRAINT_VIOLATION;  // 23: a key or CHECK the rows break
}

bool is_statement_error(int sqlerrcode) {
  int category = ERRCODE_TO_CATEGORY(sqlerrcode);
  return category == ERRCODE_SYNTAX_ERROR_OR_ACCESS_RULE_VIOLATION  // 42: syntax, undefined names, datatype mismatch
         || category == ERRCODE_FEATURE_NOT_SUPPORTED              // 0A
         || category == ERRCODE_PROGRAM_LIMIT_EXCEEDED             // 54: an index entry too large, too many columns
         || is_value_error(sqlerrcode);
}

ErrorData *spi_run_optional(const char *sql) {
  ErrorData *error = in_subtransaction([&] { spi_run(sql); });
  if (!error) return nullptr;
  // A cancel, a timeout, a full disk or any other failure of the server is the migration's
  // failure, and so is any error while a cancel or termination is pending.
  if (!is_statement_error(error->sqlerrcode) || QueryCancelPending || ProcDiePending) ReThrowError(error);
  CHECK_FOR_INTERRUPTS();
  return error;
}

std::vector<TextRow> spi_text_rows(const std::string &sql, bool read_only, const char *as_owner_of) {
  const char *text = palloc_string(sql);
  uint64 nrows = 0;
  int ncols = 0;
  char **cells = nullptr;
  pg_guard([&] {
    auto run = [&] {
      if (SPI_execute(text, read_only, 0) != SPI_OK_SELECT) elog(ERROR, "hangar_fdw: a catalog query failed: %s", text);
    };
    if (as_owner_of)
      as_bookkeeping_owner(as_owner_of, run);
    else
      run();
    nrows = SPI_processed;
    ncols = SPI_tuptable->tupdesc->natts;
    cells = static_cast<char **>(palloc(sizeof(char *) * (nrows * static_cast<uint64>(ncols) + 1)));
    for (uint64 i = 0; i < nrows; ++i)
      for (int j = 0; j < ncols; ++j)
        cells[i * ncols + j] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, j + 1);
  });
  std::vector<TextRow> rows(nrows, TextRow(static_cast<size_t>(ncols)));
  for (uint64 i = 0; i < nrows; ++i)
    for (int j = 0; j < ncols; ++j)
      if (const char *cell = cells[i * ncols + j]) rows[i][static_cast<size_t>(j)] = cell;
  return rows;
}

double seconds_since(instr_time start) {
  instr_time now;
  INSTR_TIME_SET_CURRENT(now);
  INSTR_TIME_SUBTRACT(now, start);
  return INSTR_TIME_GET_DOUBLE(now);
}

void log_step_time(const char *function, const char *step, const char *table, double seconds) {
  elog(DEBUG1, "%s: %s %s %.3f s", function, step, table, seconds);
}

int set_config_for_call(std::initializer_list<std::pair<const char *, const char *>> settings) {
  int level = NewGUCNestLevel();
  for (const auto &[name, value] : settings)
    set_config_option(name, value, PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
  return level;
}

}  // namespace hangar
