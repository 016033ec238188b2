// The connection cache: one read-only SQLite connection per file per backend, opened lazily.
//
// One snapshot (DESIGN.md principle 3): the first use of a file inside a PostgreSQL transaction
// opens an SQLite read transaction (BEGIN; SQLite takes the snapshot at the first read), and the
// transaction callback ends it at commit or abort. Connections are keyed by file, so two servers
// naming the same file share the snapshot too.
//
// ALTER SERVER / DROP SERVER invalidate every cached connection (the syscache callback cannot
// tell which file a server used to name); a connection is closed and reopened at the next use
// outside a read transaction, never in the middle of one.
//
// SQLite's progress handler returns non-zero once PostgreSQL has a cancel or terminate pending,
// so a long sqlite3_step stops promptly; the caller then runs CHECK_FOR_INTERRUPTS outside SQLite.
//
// Ending a transaction is split as postgres_fdw splits it: the work runs at PRE_COMMIT, where an
// error would still abort the PostgreSQL transaction; at COMMIT and ABORT only cleanup that
// cannot fail runs (pg_nothrow), since an error after the commit point is a PANIC.
//
// Connections are opened without SQLITE_OPEN_FULLMUTEX: while the migration's read-ahead thread
// steps a connection (connection_set_reader), acquiring the same file again is refused.
#include "pg/common.hpp"

extern "C" {
#include "access/xact.h"
#include "utils/inval.h"
#include "utils/syscache.h"
}

#include <memory>
#include <string>
#include <vector>

#include "pg/error_bridge.hpp"
#include "core/sqlite_db.hpp"

namespace hangar {

namespace {

struct CachedConnection {
  std::string path;
  std::unique_ptr<Database> db;
  bool in_read_transaction = false;
  bool invalidated = false;
};

std::vector<std::unique_ptr<CachedConnection>> cache;
bool callbacks_registered = false;

// A read-ahead thread using one of the connections, and how to stop it.
struct Reader {
  const CachedConnection *conn = nullptr;
  void (*stop)(void *) = nullptr;
  void *arg = nullptr;
};
Reader reader;

// Called by SQLite every few hundred virtual-machine steps; must not raise or allocate.
int progress_handler(void *) { return (QueryCancelPending || ProcDiePending) ? 1 : 0; }

// Resets statements still open on db (their owners finalize them later) and ends the read
// transaction. Never raises: it runs at commit and abort.
void end_read_transaction(CachedConnection &conn) {
  if (!conn.in_read_transaction || !conn.db) return;
  sqlite3 *db = conn.db->handle();
  for (sqlite3_stmt *stmt = sqlite3_next_stmt(db, nullptr); stmt; stmt = sqlite3_next_stmt(db, stmt))
    sqlite3_reset(stmt);
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK || !sqlite3_get_autocommit(db))
    conn.db.reset();  // closing releases whatever lock SQLite still held
  conn.in_read_transaction = false;
}

void stop_reader() {
  if (!reader.stop) return;
  Reader stopping = reader;
  reader = Reader();
  stopping.stop(stopping.arg);
}

// PRE_COMMIT: the reader thread stops and the read transactions end. Ending a read transaction
// cannot lose anything, so a connection whose COMMIT fails (after a corrupt page, say) is closed,
// which releases its lock; nothing here needs to fail the PostgreSQL commit.
void end_transactions_before_commit() {
  stop_reader();
  for (auto &conn : cache) end_read_transaction(*conn);
}

// COMMIT and ABORT: whatever is still open is closed; nothing here raises.
void release_after_transaction() {
  end_transactions_before_commit();  // again: an abort skips PRE_COMMIT
  for (auto &conn : cache) {
    if (conn->invalidated) {
      conn->db.reset();
      conn->invalidated = false;
    }
  }
}

void xact_callback(XactEvent event, void *) {
  switch (event) {
    case XACT_EVENT_PRE_COMMIT:
    case XACT_EVENT_PARALLEL_PRE_COMMIT:
    case XACT_EVENT_PRE_PREPARE:
      pg_entry([] { end_transactions_before_commit(); });
      break;
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_ABORT:
    case XACT_EVENT_PREPARE:
      pg_nothrow("release its SQLite connections at the end of a transaction", [] { release_after_transaction(); });
      break;
  }
}

void server_invalidation_callback(Datum, int, uint32) {
  pg_nothrow("invalidate its SQLite connections", [] {
    for (auto &conn : cache) conn->invalidated = true;
  });
}

void register_callbacks() {
  if (callbacks_registered) return;
  RegisterXactCallback(xact_callback, nullptr);
  CacheRegisterSyscacheCallback(FOREIGNSERVEROID, server_invalidation_callback, 0);
  callbacks_registered = true;
}

CachedConnection &find_or_add(const char *path) {
  for (auto &conn : cache)
    if (conn->path == path) return *conn;
  cache.push_back(std::make_unique<CachedConnection>());
  cache.back()->path = path;
  return *cache.back();
}

}  // namespace

void connection_set_reader(sqlite3 *db, void (*stop)(void *), void *arg) {
  reader = Reader();
  if (!stop) return;
  for (auto &conn : cache)
    if (conn->db && conn->db->handle() == db) reader.conn = conn.get();
  reader.stop = stop;
  reader.arg = arg;
}

Database &connection_acquire(const char *path, int busy_timeout_ms) {
  register_callbacks();
  CachedConnection &conn = find_or_add(path);
  if (reader.conn == &conn)
    ereport(ERROR, (errcode(ERRCODE_OBJECT_IN_USE),
                    errmsg("SQLite database \"%s\" is being read by a migration's copy", path),
                    errdetail("A query on the same file ran inside the copy (from a type's input function, a "
                              "domain's CHECK or a trigger); its connection cannot be shared with the reader thread."),
                    errhint("Read the file through another path, or drop the domain CHECK for the migration.")));
  if (conn.db && conn.invalidated && !conn.in_read_transaction) {
    conn.db.reset();
    conn.invalidated = false;
  }
  if (!conn.db) {
    Database::OpenOptions options;
    options.busy_timeout_ms = busy_timeout_ms;
    conn.db = std::make_unique<Database>(path, options);
    sqlite3_progress_handler(conn.db->handle(), 1000, progress_handler, nullptr);
  }
  if (!conn.in_read_transaction) {
    conn.db->exec("BEGIN");
    conn.in_read_transaction = true;
  }
  return *conn.db;
}

Database &connection_for_server(Oid serverid) {
  ServerOptions opts = server_options(serverid);
  return connection_acquire(opts.database, opts.busy_timeout_ms);
}

}  // namespace hangar
