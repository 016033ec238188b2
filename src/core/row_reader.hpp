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
// on the thread too.
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

class RowReader {
 public:
  // Reads `columns` columns of stmt; a batch ends after batch_rows rows or batch_bytes of text
  // and blobs, whichever comes first. threaded: read ahead on a thread of its own, by one batch,
  // or while the batches waiting take less than ahead_bytes.
  RowReader(sqlite3_stmt *stmt, int columns, size_t batch_rows, size_t batch_bytes, bool threaded = true,
            size_t ahead_bytes = 0, RawHashing hashing = {});
  ~RowReader();  // stops the thread and waits for it
  RowReader(const RowReader &) = delete;
  RowReader &operator=(const RowReader &) = delete;

  // The next batch, or nullptr after the last row or on failure (see result_code). The batch
  // returned before becomes invalid.
  const RowBatch *next();
  // SQLITE_DONE after the last row; otherwise the code sqlite3_step failed with (SQLITE_NOMEM
  // when the thread ran out of memory).
  int result_code() const { return result_; }
  bool threaded() const { return thread_.joinable(); }

 private:
  void run();
  void fill(RowBatch &batch);
  // The thread may fill another batch (called with mutex_ held).
  bool may_fill() const { return filled_.empty() || waiting_bytes_ < ahead_bytes_; }
  static size_t footprint(const RowBatch &batch);

  sqlite3_stmt *stmt_;
  int columns_;
  size_t batch_rows_;
  size_t batch_bytes_;
  size_t ahead_bytes_;
  RawHashing hashing_;
  std::vector<std::unique_ptr<RowBatch>> batches_;  // every batch made; the others point into it
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<RowBatch *> filled_;  // ready for the caller, in order
  size_t waiting_bytes_ = 0;       // their footprint
  std::vector<RowBatch *> spare_;  // free to be filled again
  RowBatch *held_ = nullptr;       // the batch the caller holds
  bool finished_ = false;  // the thread filled its last batch
  bool stopping_ = false;
  int result_ = SQLITE_DONE;
  std::thread thread_;
};

}  // namespace hangar
