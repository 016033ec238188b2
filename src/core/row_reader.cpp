// The read-ahead thread (see row_reader.hpp). The thread fills batch A while the caller holds
// batch B; next() hands over the filled one and gives the held one back to be refilled.
#include "core/row_reader.hpp"

#include <signal.h>

#include <cstring>
#include <new>

#include "core/cpp_only.hpp"

namespace hangar {

RowReader::RowReader(sqlite3_stmt *stmt, int columns, size_t batch_rows, size_t batch_bytes, bool threaded)
    : stmt_(stmt), columns_(columns), batch_rows_(batch_rows), batch_bytes_(batch_bytes) {
  for (RowBatch &b : batches_) {
    b.columns_ = columns;
    b.values_.reserve(batch_rows * static_cast<size_t>(columns));
    b.arena_.reserve(batch_bytes + batch_bytes / 4);
  }
  if (!threaded) return;
  // The thread inherits this mask: no signal is ever delivered to it. The caller's own mask is
  // restored however thread creation ends (std::thread throws when it cannot start one).
  class BlockAllSignals {
   public:
    BlockAllSignals() {
      sigset_t all;
      sigfillset(&all);
      pthread_sigmask(SIG_SETMASK, &all, &previous_);
    }
    ~BlockAllSignals() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

   private:
    sigset_t previous_;
  } blocked;
  thread_ = std::thread([this] { run(); });
}

RowReader::~RowReader() {
  if (!thread_.joinable()) return;
  bool running;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    running = !finished_;
  }
  if (running) sqlite3_interrupt(sqlite3_db_handle(stmt_));  // ends a long sqlite3_step at once
  changed_.notify_all();
  thread_.join();
}

const RowBatch *RowReader::next() {
  if (!thread_.joinable()) {
    if (finished_) return nullptr;
    try {
      fill(batches_[0]);
    } catch (const std::bad_alloc &) {
      batches_[0].rows_ = 0;
      result_ = SQLITE_NOMEM;
    }
    finished_ = result_ != SQLITE_ROW;
    return batches_[0].rows_ > 0 ? &batches_[0] : nullptr;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  consumed_ = -1;  // give the held batch back
  changed_.notify_all();
  changed_.wait(lock, [this] { return filled_ >= 0 || finished_; });
  if (filled_ < 0) return nullptr;
  consumed_ = filled_;
  filled_ = -1;
  changed_.notify_all();
  const RowBatch &batch = batches_[consumed_];
  if (batch.rows_ == 0) return nullptr;
  return &batch;
}

void RowReader::run() {
  for (int index = 0;; index = 1 - index) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || (consumed_ != index && filled_ != index); });
      if (stopping_) break;
    }
    RowBatch &batch = batches_[index];
    try {
      fill(batch);
    } catch (const std::bad_alloc &) {
      batch.rows_ = 0;
      result_ = SQLITE_NOMEM;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return stopping_ || filled_ < 0; });  // the caller took the last one
    if (stopping_) break;
    bool last = result_ != SQLITE_ROW;  // the end or a failure: the rows read before it still count
    if (batch.rows_ > 0) filled_ = index;
    finished_ = last;
    changed_.notify_all();
    if (last) return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  finished_ = true;
  changed_.notify_all();
}

void RowReader::fill(RowBatch &batch) {
  batch.values_.clear();
  batch.arena_.clear();
  batch.rows_ = 0;
  // Text and blob bytes are copied into the arena, which may grow while the batch fills, so
  // their pointers are set once it is complete.
  std::vector<std::pair<size_t, size_t>> &placed = batch.placed_;  // (value index, arena offset)
  placed.clear();
  while (batch.rows_ < batch_rows_ && batch.arena_.size() < batch_bytes_) {
    int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_ROW) {
      result_ = rc;
      break;
    }
    result_ = SQLITE_ROW;
    for (int c = 0; c < columns_; ++c) {
      SqliteValue v = read_sqlite_value(stmt_, c);
      if (v.type == SQLITE_TEXT || v.type == SQLITE_BLOB) {
        placed.emplace_back(batch.values_.size(), batch.arena_.size());
        batch.arena_.insert(batch.arena_.end(), v.bytes, v.bytes + v.length);
        batch.arena_.push_back('\0');
        v.bytes = nullptr;
      }
      batch.values_.push_back(v);
    }
    ++batch.rows_;
  }
  for (const auto &[index, at] : placed) batch.values_[index].bytes = batch.arena_.data() + at;
}

}  // namespace hangar
