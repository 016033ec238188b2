// The error bridge: the only code that knows both error models (CONVENTIONS.md 2-3).
//
// pg_entry() wraps every extern "C" entry point that may fail (handler, validator, FDW callbacks,
// SQL functions). It catches every C++ exception, copies what it says into static buffers,
// leaves the catch block, restores PostgreSQL's jump buffer and error context stack as they
// were on entry, and only then calls ereport with the exception's SQLSTATE, so no longjmp ever
// starts inside a catch handler or lands in a frame that is gone.
//
// pg_nothrow() wraps the callbacks that must not fail: transaction callbacks at COMMIT and
// ABORT (an error after the commit point is PostgreSQL's PANIC path), memory-context reset
// callbacks and syscache invalidation callbacks. Whatever goes wrong in them, a C++ exception or
// a PostgreSQL error, is logged as a WARNING and swallowed, as postgres_fdw keeps its COMMIT and
// ABORT cleanup infallible.
//
// pg_guard() wraps a call into PostgreSQL made from C++ code that holds live C++ objects. A
// PostgreSQL error raised inside it becomes a PgError exception carrying the original ErrorData
// (code, message, detail, hint, context), which pg_entry re-throws unchanged; a C++ exception
// thrown inside it is rethrown only after PostgreSQL's jump buffer is restored.
//
// Rule for callers: between pg_entry and any ereport-capable PostgreSQL call that is not inside
// pg_guard, no frame may hold a local with a non-trivial destructor.
#pragma once

#include <exception>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

#include "pg/pg_headers.hpp"
#include "core/error.hpp"

namespace hangar {

class PgError : public std::exception {
 public:
  explicit PgError(ErrorData *data) : data_(data) {}
  ErrorData *data() const { return data_; }
  const char *what() const noexcept override { return data_->message ? data_->message : "PostgreSQL error"; }

 private:
  ErrorData *data_;  // palloc'd in the memory context that was current when pg_guard was called
};

namespace bridge {
// Record the caught exception; all noexcept, none allocates.
void stash_pg_error(const PgError &error) noexcept;
void stash_error(const char *sqlstate, const char *message, const char *detail, const char *hint) noexcept;
// ereport the stashed error (ERROR level).
[[noreturn]] void raise_stashed_error();
// The SQLSTATE integer for a five-character code such as "22003".
int sqlstate_code(const char *five_chars);
}  // namespace bridge

// Copies C++ text into palloc'd memory (NUL-terminated) in CurrentMemoryContext. Out of memory
// throws std::bad_alloc rather than raising, so it is safe while C++ objects are alive.
inline char *palloc_string(std::string_view text) {
  char *copy = static_cast<char *>(palloc_extended(text.size() + 1, MCXT_ALLOC_NO_OOM));
  if (!copy) throw std::bad_alloc();
  if (!text.empty()) memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  return copy;
}

// An array of n zeroed elements in palloc'd memory, for C++ code with live objects: out of memory
// throws std::bad_alloc rather than raising.
template <typename T>
T *palloc_items(size_t n) {
  T *array = static_cast<T *>(palloc_extended(sizeof(T) * (n + 1), MCXT_ALLOC_NO_OOM | MCXT_ALLOC_ZERO));
  if (!array) throw std::bad_alloc();
  return array;
}

template <typename Func>
decltype(auto) pg_entry(Func &&func) {
  sigjmp_buf *saved_exception_stack = PG_exception_stack;
  ErrorContextCallback *saved_context_stack = error_context_stack;
  try {
    return func();
  } catch (const PgError &e) {
    bridge::stash_pg_error(e);
  } catch (const Error &e) {
    bridge::stash_error(e.code().c_str(), e.what(), e.detail().c_str(), e.hint().c_str());
  } catch (const std::bad_alloc &) {
    bridge::stash_error(sqlstate::kOutOfMemory, "out of memory", "", "");
  } catch (const std::exception &e) {
    bridge::stash_error(sqlstate::kInternalError, e.what(), "", "");
  } catch (...) {
    bridge::stash_error(sqlstate::kInternalError, "unexpected C++ exception in hangar_fdw", "", "");
  }
  PG_exception_stack = saved_exception_stack;
  error_context_stack = saved_context_stack;
  bridge::raise_stashed_error();
}

namespace bridge {
// Logs a WARNING that cleanup step `what` failed; never raises.
void warn_cleanup_failed(const char *what, const char *message) noexcept;
// Runs work(arg) under PG_TRY; a PostgreSQL error is logged by warn_cleanup_failed and flushed.
void run_logging_errors(const char *what, void (*work)(void *), void *arg) noexcept;
}  // namespace bridge

template <typename Func>
void pg_nothrow(const char *what, Func &&func) noexcept {
  struct Call {
    Func *func;
    const char *what;
  } call{&func, what};
  bridge::run_logging_errors(
      what,
      [](void *arg) {
        Call *c = static_cast<Call *>(arg);
        char message[256] = "";
        try {
          (*c->func)();
          return;
        } catch (const std::exception &e) {
          snprintf(message, sizeof message, "%s", e.what());
        } catch (...) {
          snprintf(message, sizeof message, "unexpected C++ exception");
        }
        bridge::warn_cleanup_failed(c->what, message);
      },
      &call);
}

// A result is returned through the void form, from a local of this outer frame, so no value
// assigned inside PG_TRY needs to be volatile.
template <typename Func>
auto pg_guard(Func &&func) {
  using Result = decltype(func());
  if constexpr (!std::is_void_v<Result>) {
    static_assert(std::is_trivially_copyable_v<Result>, "pg_guard returns plain values only");
    Result result{};
    pg_guard([&] { result = func(); });
    return result;
  } else {
    MemoryContext caller_context = CurrentMemoryContext;
    ErrorData *volatile error = nullptr;  // volatile: assigned after the longjmp
    // A C++ exception thrown by func is caught inside PG_TRY and rethrown after PG_END_TRY, so it
    // never unwinds past PostgreSQL's jump buffer.
    std::exception_ptr cpp_error;
    PG_TRY();
    {
      try {
        func();
      } catch (...) {
        cpp_error = std::current_exception();
      }
    }
    PG_CATCH();
    {
      MemoryContextSwitchTo(caller_context);
      error = CopyErrorData();
      FlushErrorState();
    }
    PG_END_TRY();
    if (error) throw PgError(error);
    if (cpp_error) std::rethrow_exception(cpp_error);
  }
}

}  // namespace hangar
