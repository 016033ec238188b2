// The connection cache: one SQLite connection per file per backend, opened lazily, read-only
// unless a foreign table that may write the file (option updatable) asks for it.
//
// One snapshot (DESIGN.md principle 3): the first use of a file inside a PostgreSQL transaction
// opens an SQLite transaction (BEGIN; SQLite takes the snapshot at the first read), and the
// transaction callback ends it at commit or abort. Connections are keyed by file, so two servers
// naming the same file share the snapshot, and a transaction reads what it wrote.
//
// A statement that writes starts the SQLite transaction with BEGIN IMMEDIATE: it takes the write
// lock first, waiting for it as busy_timeout_ms allows, so its snapshot never goes stale. A
// transaction that read before it wrote holds a snapshot SQLite cannot turn into a write while
// another process writes or has written since; that write fails at once (a serialization
// failure the caller retries; modify.cpp raises 40001).
//
// Writes are atomic with PostgreSQL's transaction, as postgres_fdw's remote transactions are:
// the SQLite transaction commits at PRE_COMMIT, where a failure still aborts the PostgreSQL
// transaction, and rolls back at ABORT. Subtransactions map to SQLite savepoints, made lazily when
// a write runs at a deeper level, so ROLLBACK TO SAVEPOINT undoes only what followed it. At COMMIT
// and ABORT only cleanup that cannot fail runs (pg_nothrow), since an error after the commit point
// is a PANIC. A transaction over several files commits them one after the other: there is no
// two-phase commit, and PREPARE TRANSACTION is refused once a file was written.
//
// ALTER SERVER / DROP SERVER invalidate every cached connection (the syscache callback cannot
// tell which file a server used to name); a connection is closed and reopened at the next use
// outside a transaction, never in the middle of one. So is a connection whose path now names
// another file (a new file moved onto it, as deployments and rsync do: the old connection would
// go on reading the old file) or no file. At the end of each transaction the connections beyond
// the kKeptConnections most recently used are closed, so a backend that reads many files does
// not keep one open per file.
//
// SQLite's progress handler returns non-zero once PostgreSQL has a cancel or terminate pending,
// so a long sqlite3_step stops promptly; the caller then runs CHECK_FOR_INTERRUPTS outside SQLite.
//
// Connections are opened without SQLITE_OPEN_FULLMUTEX: while the migration's read-ahead thread
// steps a connection (connection_set_reader), acquiring the same file again is refused.
#include "pg/common.hpp"

extern "C" {
#include "access/xact.h"
#include "utils/inval.h"
#include "utils/syscache.h"
}

#include <sys/stat.h>

#include <algorithm>
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
  bool writable = false;        // opened read-write
  bool in_transaction = false;  // BEGIN ran in this PostgreSQL transaction
  bool has_written = false;     // a write ran: the commit must succeed or fail PostgreSQL's
  int savepoint_level = 1;      // deepest PostgreSQL nesting level with a SQLite savepoint (1: none)
  bool broken = false;          // a savepoint could not be rolled back: the transaction cannot commit
  bool invalidated = false;
  dev_t device = 0;             // the file opened, as stat named it just before the open
  ino_t inode = 0;
  uint64 last_use = 0;          // when acquired last (use_clock)
};

std::vector<std::unique_ptr<CachedConnection>> cache;
uint64 use_clock = 0;
constexpr size_t kKeptConnections = 16;

// Whether conn's path still names the file it opened.
bool same_file(const CachedConnection &conn) {
  struct stat now;
  return stat(conn.path.c_str(), &now) == 0 && now.st_dev == conn.device && now.st_ino == conn.inode;
}

// Closes the connections no transaction uses beyond the kKeptConnections most recently used, and
// forgets them. Never raises.
void close_least_used() {
  std::vector<CachedConnection *> open;
  for (auto &conn : cache)
    if (conn->db) open.push_back(conn.get());
  if (open.size() <= kKeptConnections) return;
  std::sort(open.begin(), open.end(), [](const CachedConnection *a, const CachedConnection *b) { return a->last_use > b->last_use; });
  for (size_t i = kKeptConnections; i < open.size(); ++i)
    if (!open[i]->in_transaction) open[i]->db.reset();
  cache.erase(std::remove_if(cache.begin(), cache.end(),
                             [](const std::unique_ptr<CachedConnection> &c) { return !c->db && !c->in_transaction; }),
              cache.end());
}
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

// Resets the statements still open on a connection (their owners finalize them later), so that
// COMMIT or ROLLBACK is not refused for them.
void reset_statements(sqlite3 *db) {
  for (sqlite3_stmt *stmt = sqlite3_next_stmt(db, nullptr); stmt; stmt = sqlite3_next_stmt(db, stmt))
    sqlite3_reset(stmt);
}

void forget_transaction(CachedConnection &conn) {
  conn.in_transaction = false;
  conn.has_written = false;
  conn.broken = false;
  conn.savepoint_level = 1;
}

// Ends the transaction with COMMIT (a read transaction) or ROLLBACK. Never raises: it runs at
// commit and abort; a connection whose transaction does not end is closed, which releases its
// locks and rolls back whatever it had not committed.
void end_transaction_quietly(CachedConnection &conn, const char *how) {
  if (!conn.in_transaction) return;
  if (conn.db) {
    sqlite3 *db = conn.db->handle();
    reset_statements(db);
    if (sqlite3_exec(db, how, nullptr, nullptr, nullptr) != SQLITE_OK || !sqlite3_get_autocommit(db)) conn.db.reset();
  }
  forget_transaction(conn);
}

// PRE_COMMIT for a connection that wrote: its COMMIT must succeed, or PostgreSQL's commit fails
// (the abort that follows rolls the SQLite transaction back).
void commit_writes(CachedConnection &conn) {
  sqlite3 *db = conn.db->handle();
  if (conn.broken || sqlite3_get_autocommit(db))
    ereport(ERROR, (errcode(ERRCODE_TRANSACTION_ROLLBACK),
                    errmsg("cannot commit writes to SQLite database \"%s\"", conn.path.c_str()),
                    errdetail(conn.broken ? "A rollback to a savepoint failed on the SQLite side."
                                          : "SQLite rolled its transaction back after an earlier error.")));
  reset_statements(db);
  int rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK)
    report_sqlite_error(db, rc, psprintf("could not commit writes to SQLite database \"%s\"", conn.path.c_str()));
  forget_transaction(conn);
}

void stop_reader() {
  if (!reader.stop) return;
  Reader stopping = reader;
  reader = Reader();
  stopping.stop(stopping.arg);
}

// PRE_COMMIT: the reader thread stops, writes commit (raising on failure) and read transactions
// end. Ending a read transaction cannot lose anything, so one whose COMMIT fails (after a corrupt
// page, say) is closed quietly.
void end_transactions_before_commit() {
  stop_reader();
  for (auto &conn : cache) {
    if (conn->in_transaction && conn->has_written)
      commit_writes(*conn);
    else
      end_transaction_quietly(*conn, "COMMIT");
  }
}

void refuse_prepare_after_writes() {
  for (auto &conn : cache)
    if (conn->has_written)
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                      errmsg("cannot PREPARE a transaction that has written to a SQLite file"),
                      errdetail("It wrote to \"%s\"; SQLite has no two-phase commit.", conn->path.c_str())));
}

// COMMIT and ABORT: whatever is still open rolls back and is closed; nothing here raises.
void release_after_transaction() {
  stop_reader();
  for (auto &conn : cache) {
    end_transaction_quietly(*conn, "ROLLBACK");
    if (conn->invalidated) {
      conn->db.reset();
      conn->invalidated = false;
    }
  }
  close_least_used();
}

std::string savepoint_name(int level) { return "hangar_s" + std::to_string(level); }

// PRE_COMMIT_SUB: the subtransaction's savepoint is released into its parent.
void release_savepoints(int level) {
  for (auto &conn : cache) {
    if (!conn->in_transaction || conn->savepoint_level < level || !conn->db) continue;
    int rc = sqlite3_exec(conn->db->handle(), ("RELEASE SAVEPOINT " + savepoint_name(level)).c_str(), nullptr,
                          nullptr, nullptr);
    if (rc != SQLITE_OK) {
      conn->broken = true;
      report_sqlite_error(conn->db->handle(), rc, "could not release a SQLite savepoint");
    }
    conn->savepoint_level = level - 1;
  }
}

// ABORT_SUB: what the subtransaction wrote is rolled back. Never raises; a failure leaves the
// connection broken, so the top-level transaction cannot commit.
void roll_back_savepoints(int level) {
  for (auto &conn : cache) {
    if (!conn->in_transaction || conn->savepoint_level < level || !conn->db) continue;
    std::string name = savepoint_name(level);
    std::string sql = "ROLLBACK TO SAVEPOINT " + name + "; RELEASE SAVEPOINT " + name;
    if (sqlite3_exec(conn->db->handle(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) conn->broken = true;
    conn->savepoint_level = level - 1;
  }
}

void xact_callback(XactEvent event, void *) {
  switch (event) {
    case XACT_EVENT_PRE_COMMIT:
    case XACT_EVENT_PARALLEL_PRE_COMMIT:
      pg_entry([] { end_transactions_before_commit(); });
      break;
    case XACT_EVENT_PRE_PREPARE:
      pg_entry([] {
        refuse_prepare_after_writes();
        end_transactions_before_commit();
      });
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

void subxact_callback(SubXactEvent event, SubTransactionId, SubTransactionId, void *) {
  int level = GetCurrentTransactionNestLevel();
  if (event == SUBXACT_EVENT_PRE_COMMIT_SUB)
    pg_entry([level] { release_savepoints(level); });
  else if (event == SUBXACT_EVENT_ABORT_SUB)
    pg_nothrow("roll back its SQLite savepoints", [level] { roll_back_savepoints(level); });
}

void server_invalidation_callback(Datum, int, uint32) {
  pg_nothrow("invalidate its SQLite connections", [] {
    for (auto &conn : cache) conn->invalidated = true;
  });
}

void register_callbacks() {
  if (callbacks_registered) return;
  RegisterXactCallback(xact_callback, nullptr);
  RegisterSubXactCallback(subxact_callback, nullptr);
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

Database &connection_acquire(const char *path, int busy_timeout_ms, bool writable, bool writing_statement) {
  register_callbacks();
  CachedConnection &conn = find_or_add(path);
  if (reader.conn == &conn)
    ereport(ERROR, (errcode(ERRCODE_OBJECT_IN_USE),
                    errmsg("SQLite database \"%s\" is being read by a migration's copy", path),
                    errdetail("A query on the same file ran inside the copy (from a type's input function, a "
                              "domain's CHECK or a trigger); its connection cannot be shared with the reader thread."),
                    errhint("Read the file through another path, or drop the domain CHECK for the migration.")));
  conn.last_use = ++use_clock;
  if (conn.db && !conn.in_transaction && (conn.invalidated || (writable && !conn.writable) || !same_file(conn))) {
    conn.db.reset();
    conn.invalidated = false;
  }
  if (conn.db && writable && !conn.writable)
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("SQLite database \"%s\" was opened read-only earlier in this transaction", path),
                    errdetail("A foreign table that may not write the file read it first; its snapshot cannot become "
                              "a write transaction."),
                    errhint("Set the option updatable on the server, so every foreign table of the file opens it "
                            "read-write, or write in a transaction of its own.")));
  if (!conn.db) {
    struct stat file;  // before the open: a file moved onto the path after it is seen next time
    bool found = stat(path, &file) == 0;
    conn.device = found ? file.st_dev : 0;
    conn.inode = found ? file.st_ino : 0;
    Database::OpenOptions options;
    options.busy_timeout_ms = busy_timeout_ms;
    options.read_only = !writable;
    conn.db = std::make_unique<Database>(path, options);
    conn.writable = writable;
    sqlite3_progress_handler(conn.db->handle(), 1000, progress_handler, nullptr);
  }
  if (!conn.in_transaction) {
    bool immediate = writable && writing_statement;
    int rc = sqlite3_exec(conn.db->handle(), immediate ? "BEGIN IMMEDIATE" : "BEGIN", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
      report_sqlite_error(conn.db->handle(), rc,
                          psprintf(immediate ? "could not lock SQLite database \"%s\" for writing"
                                             : "could not begin a transaction on SQLite database \"%s\"",
                                   path));
    conn.in_transaction = true;
  }
  return *conn.db;
}

Database &connection_acquire_for_write(const char *path, int busy_timeout_ms) {
  Database &db = connection_acquire(path, busy_timeout_ms, true, true);
  CachedConnection &conn = find_or_add(path);
  for (int level = conn.savepoint_level + 1; level <= GetCurrentTransactionNestLevel(); ++level) {
    int rc = sqlite3_exec(db.handle(), ("SAVEPOINT " + savepoint_name(level)).c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) report_sqlite_error(db.handle(), rc, "could not make a SQLite savepoint");
    conn.savepoint_level = level;
  }
  conn.has_written = true;
  return db;
}

void connection_close(const char *path) {
  for (auto &conn : cache) {
    if (conn->path != path || !conn->db || conn->has_written || reader.conn == conn.get()) continue;
    end_transaction_quietly(*conn, "COMMIT");
    conn->db.reset();
  }
}

Database &connection_for_server(Oid serverid) {
  ServerOptions opts = server_options(serverid);
  return connection_acquire(opts.database, opts.busy_timeout_ms, opts.writes.updatable);
}

Database &connection_for_relation(Oid relid, bool writing_statement) {
  ServerOptions opts = server_options(GetForeignTable(relid)->serverid);
  return connection_acquire(opts.database, opts.busy_timeout_ms, foreign_table_write_options(relid).updatable,
                            writing_statement);
}

}  // namespace hangar
