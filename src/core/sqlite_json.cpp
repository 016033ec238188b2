// register_innocuous_json_functions (sqlite_json.hpp): every scalar JSON function SQLite 3.40 has,
// at each argument count it takes, as an innocuous function that runs the built-in one on a
// private in-memory connection. The private connection and its statements (one a function and
// argument count, prepared on first use) belong to the connection the functions are registered on
// and are freed with it. A function is called on one thread at a time, as its connection is.
#include "core/sqlite_json.hpp"

#include <map>
#include <new>
#include <string>
#include <utility>

#include "core/cpp_only.hpp"

namespace hangar {

namespace {

// The built-in functions and their argument counts (-1: any). The operators -> and ->> are
// functions of those names to SQLite's parser.
struct JsonFunction {
  const char *name;
  int args;
};
constexpr JsonFunction kJsonFunctions[] = {
    {"json", 1},        {"json_array", -1},      {"json_array_length", 1}, {"json_array_length", 2},
    {"json_extract", -1}, {"json_insert", -1},   {"json_object", -1},      {"json_patch", 2},
    {"json_remove", -1}, {"json_replace", -1},   {"json_set", -1},         {"json_type", 1},
    {"json_type", 2},   {"json_valid", 1},       {"json_quote", 1},        {"->", 2},
    {"->>", 2},
};

class BuiltinJson {
 public:
  ~BuiltinJson() {
    for (auto &entry : statements_) sqlite3_finalize(entry.second);
    if (db_) sqlite3_close_v2(db_);
  }

  // The built-in function's answer for these arguments, as the result of context.
  void call(sqlite3_context *context, const char *name, int argc, sqlite3_value **argv) {
    sqlite3_stmt *stmt = statement(name, argc);
    if (!stmt) {
      sqlite3_result_error(context, db_ ? sqlite3_errmsg(db_) : "out of memory", -1);
      return;
    }
    for (int i = 0; i < argc; ++i) sqlite3_bind_value(stmt, i + 1, argv[i]);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      sqlite3_result_value(context, sqlite3_column_value(stmt, 0));
    } else {
      sqlite3_result_error(context, sqlite3_errmsg(db_), -1);
      if (rc == SQLITE_NOMEM) sqlite3_result_error_nomem(context);
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }

  int users = 0;  // functions registered with it; the last one's destructor deletes it

 private:
  sqlite3_stmt *statement(const char *name, int argc) {
    auto key = std::make_pair(std::string(name), argc);
    auto found = statements_.find(key);
    if (found != statements_.end()) return found->second;
    if (!db_ && sqlite3_open_v2(":memory:", &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
      return nullptr;
    std::string sql = "SELECT ";
    if (key.first == "->" || key.first == "->>") {
      sql += "?1 " + key.first + " ?2";
    } else {
      sql += key.first + "(";
      for (int i = 1; i <= argc; ++i) sql += (i > 1 ? ", ?" : "?") + std::to_string(i);
      sql += ")";
    }
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return nullptr;
    statements_.emplace(key, stmt);
    return stmt;
  }

  sqlite3 *db_ = nullptr;
  std::map<std::pair<std::string, int>, sqlite3_stmt *> statements_;
};

struct Registered {
  BuiltinJson *builtin;
  const char *name;
};

void call_builtin(sqlite3_context *context, int argc, sqlite3_value **argv) {
  Registered *r = static_cast<Registered *>(sqlite3_user_data(context));
  try {
    r->builtin->call(context, r->name, argc, argv);
  } catch (...) {  // std::bad_alloc from the statement cache
    sqlite3_result_error_nomem(context);
  }
}

void forget(void *arg) {
  Registered *r = static_cast<Registered *>(arg);
  if (--r->builtin->users == 0) delete r->builtin;
  delete r;
}

}  // namespace

int register_innocuous_json_functions(sqlite3 *db) {
  BuiltinJson *builtin = new (std::nothrow) BuiltinJson;
  if (!builtin) return SQLITE_NOMEM;
  builtin->users = 1;  // held until every function is registered
  int rc = SQLITE_OK;
  for (const JsonFunction &f : kJsonFunctions) {
    Registered *r = new (std::nothrow) Registered{builtin, f.name};
    if (!r) {
      rc = SQLITE_NOMEM;
      break;
    }
    ++builtin->users;
    // On failure SQLite calls forget itself.
    rc = sqlite3_create_function_v2(db, f.name, f.args, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, r,
                                    call_builtin, nullptr, nullptr, forget);
    if (rc != SQLITE_OK) break;
  }
  if (--builtin->users == 0) delete builtin;
  return rc;
}

}  // namespace hangar
