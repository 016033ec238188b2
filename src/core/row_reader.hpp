// Reads the rows of a prepared SQLite statement on a background thread, ahead of their
// conversion, into batches handed to the caller in order. By default the thread fills one batch
// while the caller holds the previous one (double buffering): reading SQLite's pages and
// decoding its records then runs on the second core while the caller converts and inserts. A
// reader may be allowed to run further ahead, up to a number of bytes of waiting batches, so
// that SQLite is read while the caller does other work first (hangar_sync scans its target).
//
// The thread touches nothing but SQLite and its own buffers: it never calls PostgreSQL, and it
// starts with every signal blocked so that PostgreSQL's signal handlers keep running on the
// backend's own thread. While a threaded reader exists, nothing else may use the statement's
// connection; a caller whose conversions may run queries on the same file (a domain's CHECK)
// asks for a reader without a thread, which steps SQLite in next() on the caller's thread.
// A reader may also hash each row's raw values as it reads them (RawHashing), so that work runs
// on the thread too. A reader may read several statements one after another (hangar_sync reads
// every table in one go): the thread then reads the next table's rows while the caller still
// works on the last one's.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "core/sqlite_value.hpp"

namespace hangar {

class RowBatch {
 public:
  size_t rows() const { return rows_; }
  const SqliteValue &value(size_t row, int column) const {
    return values_[row * static_cast<size_t>(columns_) + static_cast<size_t>(column)];
  }
  // The row's raw hash when the reader computes them (RawHashing), else 0.
  uint64_t raw_hash(size_t row) const { return raw_hashes_.empty() ? 0 : raw_hashes_[row]; }

 private:
  friend class RowReader;
  int columns_ = 0;
  size_t rows_ = 0;
  std::vector<SqliteValue> values_;
  std::vector<char> arena_;  // text and blob bytes, each text followed by a NUL
  std::vector<std::pair<size_t, size_t>> placed_;  // while filling: (value index, arena offset)
  std::vector<uint64_t> raw_hashes_;
};

// Each row's first `columns` values hashed in order, starting from seed: seed combined with
// sqlite_value_hash of each value (core/hash64's hash64_combine). columns 0: no hashing.
struct RawHashing {
  uint64_t seed = 0;
  int columns = 0;
};
// Row r's raw hash as `hashing` says, computed now (whoever reads the rows computes the same).
uint64_t raw_row_hash(const RowBatch &batch, size_t row, const RawHashing &hashing);

// One statement of a reader: its first `columns` columns are read from each row, and hashed as
// `hashing` says.
struct ReadStatement {
  sqlite3_stmt *stmt;
  int columns;
  RawHashing hashing;
};

class RowReader {
 public:
  // Reads the statements' rows one statement after another; a batch holds rows of one statement
  // and ends after batch_rows rows or batch_bytes of text and blobs, whichever comes first.
  // threaded: read ahead on a thread of its own, by one batch, or while the batches waiting take
  // less than ahead_bytes (the thread goes on to the next statement meanwhile).
  RowReader(std::vector<ReadStatement> statements, size_t batch_rows, size_t batch_bytes, bool threaded = true,
            size_t ahead_bytes = 0);
  // One statement.
  RowReader(sqlite3_stmt *stmt, int columns, size_t batch_rows, size_t batch_bytes, bool threaded = true,
            size_t ahead_bytes = 0, RawHashing hashing = {})
      : RowReader({ReadStatement{stmt, columns, hashing}}, batch_rows, batch_bytes, threaded, ahead_bytes) {}
  ~RowReader();  // stops the thread and waits for it
  RowReader(const RowReader &) = delete;
  RowReader &operator=(const RowReader &) = delete;

  // The current statement's next batch, or nullptr after its last row or on failure (see
  // result_code); the call after that starts on the next statement's rows. After a failure or the
  // last statement every call returns nullptr. The batch returned before becomes invalid.
  const RowBatch *next();
  // Once next() returned nullptr: SQLITE_DONE after the statement's last row; otherwise the code
  // sqlite3_step failed with (SQLITE_NOMEM when the reader ran out of memory).
  int result_code() const { return result_; }
  bool threaded() const { return thread_.joinable(); }

 private:
  // A batch ready for the caller, or (batch nullptr) the end of a statement and how it ended.
  struct Filled {
    RowBatch *batch;
    int end_code;
  };
  void run();
  // Fills batch with the statement's next rows; sqlite3_step's last code (SQLITE_ROW: more to come).
  int fill(RowBatch &batch, const ReadStatement &statement);
  // A new batch with room for batch_rows rows of any statement and arena_bytes of text and
  // blobs, as a spare (may throw std::bad_alloc).
  void add_spare_batch(size_t arena_bytes);
  const RowBatch *next_unthreaded();
  // The thread may fill another batch (called with mutex_ held).
  bool may_fill() const { return filled_.empty() || waiting_bytes_ < ahead_bytes_; }
  static size_t footprint(const RowBatch &batch);

  std::vector<ReadStatement> statements_;
  size_t batch_rows_;
  size_t batch_bytes_;
  size_t ahead_bytes_;
  int widest_ = 0;  // the most columns a statement reads
  size_t last_arena_bytes_ = 0;  // the text and blob bytes of the batch filled last: a new batch's guess
  std::vector<std::unique_ptr<RowBatch>> batches_;  // every batch made; the others point into it
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Filled> filled_;      // ready for the caller, in order
  size_t waiting_bytes_ = 0;       // their footprint
  std::vector<RowBatch *> spare_;  // free to be filled again
  RowBatch *held_ = nullptr;       // the batch the caller holds
  bool finished_ = false;  // the thread ended: after the last statement, a failure, or stopping
  bool stopping_ = false;
  int result_ = SQLITE_DONE;  // how the statement the caller read last ended
  size_t unthreaded_at_ = 0;       // without a thread: the statement next() reads
  int unthreaded_code_ = SQLITE_ROW;  // and its last sqlite3_step code
  std::thread thread_;
};

}  // namespace hangar
