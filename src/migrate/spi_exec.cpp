// Running the migration's generated statements through SPI, plainly or inside a subtransaction
// for the optional steps whose failure is reported rather than fatal, and the subtransaction
// runner itself (as a PL/pgSQL EXCEPTION block does it), which the copy's reject mode uses too.
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

ErrorData *spi_run_optional(const char *sql) {
  return in_subtransaction([&] { spi_run(sql); });
}

double seconds_since(instr_time start) {
  instr_time now;
  INSTR_TIME_SET_CURRENT(now);
  INSTR_TIME_SUBTRACT(now, start);
  return INSTR_TIME_GET_DOUBLE(now);
}

}  // namespace hangar
