// Running the migration's generated statements through SPI, plainly or inside a subtransaction
// for the optional steps whose failure is reported rather than fatal, and the subtransaction
// runner itself (as a PL/pgSQL EXCEPTION block does it), which the copy's reject mode uses too.
// Only errors about a statement's own SQL are ever reported instead of raised: a cut (cancel,
// statement_timeout, shutdown), a full disk, out of memory or an internal error always fail
// the migration, leaving nothing behind.
#include "migrate/migrate.hpp"

extern "C" {
#include "access/xact.h"
#include "executor/spi.h"
#include "utils/resowner.h"
}

namespace hangar {

void spi_run(const char *sql) {
  int rc = SPI_execute(sql, false, 0);
  if (rc < 0) elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(rc));
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

double seconds_since(instr_time start) {
  instr_time now;
  INSTR_TIME_SET_CURRENT(now);
  INSTR_TIME_SUBTRACT(now, start);
  return INSTR_TIME_GET_DOUBLE(now);
}

}  // namespace hangar
