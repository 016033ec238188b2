// Raising stashed C++ errors as PostgreSQL errors (see error_bridge.hpp). The buffers are
// static: a backend is single-threaded and the stash is raised immediately after it is filled.
#include "pg/error_bridge.hpp"

#include <cstdio>
#include <cstring>

namespace hangar {
namespace bridge {

namespace {

constexpr size_t kMessageBytes = 4096;

struct Stash {
  ErrorData *pg_error = nullptr;
  char sqlstate[6] = "XX000";
  char message[kMessageBytes] = "";
  char detail[kMessageBytes] = "";
  char hint[kMessageBytes] = "";
};

Stash stash;

// Copies src into dst, cutting at a UTF-8 character boundary when it does not fit.
void copy_text(char *dst, const char *src) {
  size_t len = src ? std::strlen(src) : 0;
  if (len >= kMessageBytes) {
    len = kMessageBytes - 1;
    while (len > 0 && (static_cast<unsigned char>(src[len]) & 0xC0) == 0x80) --len;
  }
  if (len) std::memcpy(dst, src, len);
  dst[len] = '\0';
}

}  // namespace

void stash_pg_error(const PgError &error) noexcept { stash.pg_error = error.data(); }

void stash_error(const char *sqlstate, const char *message, const char *detail, const char *hint) noexcept {
  stash.pg_error = nullptr;
  bool valid = sqlstate && std::strlen(sqlstate) == 5;
  copy_text(stash.sqlstate, valid ? sqlstate : "XX000");
  copy_text(stash.message, message);
  copy_text(stash.detail, detail);
  copy_text(stash.hint, hint);
}

int sqlstate_code(const char *c) { return MAKE_SQLSTATE(c[0], c[1], c[2], c[3], c[4]); }

void raise_stashed_error() {
  if (stash.pg_error) {
    ErrorData *error = stash.pg_error;
    stash.pg_error = nullptr;
    ReThrowError(error);
  }
  ereport(ERROR, (errcode(sqlstate_code(stash.sqlstate)), errmsg_internal("%s", stash.message),
                  stash.detail[0] ? errdetail_internal("%s", stash.detail) : 0,
                  stash.hint[0] ? errhint("%s", stash.hint) : 0));
  pg_unreachable();
}

void warn_cleanup_failed(const char *what, const char *message) noexcept {
  // A WARNING cannot escalate; should even it fail, the jump lands in run_logging_errors.
  ereport(WARNING, (errmsg("hangar_fdw could not %s", what), errdetail_internal("%s", message)));
}

void run_logging_errors(const char *what, void (*work)(void *), void *arg) noexcept {
  MemoryContext caller_context = CurrentMemoryContext;
  ErrorContextCallback *saved_context_stack = error_context_stack;
  PG_TRY();
  {
    work(arg);
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(caller_context);
    error_context_stack = saved_context_stack;
    ErrorData *error = CopyErrorData();
    FlushErrorState();
    // Reporting the message is best effort: it is dropped if even the WARNING fails.
    PG_TRY();
    {
      warn_cleanup_failed(what, error->message ? error->message : "unknown error");
    }
    PG_CATCH();
    {
      FlushErrorState();
    }
    PG_END_TRY();
    FreeErrorData(error);
  }
  PG_END_TRY();
  MemoryContextSwitchTo(caller_context);
}

}  // namespace bridge
}  // namespace hangar
