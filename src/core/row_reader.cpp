// The read-ahead thread (see row_reader.hpp). The thread fills a spare batch (made when there
// is none) and queues it; next() hands the oldest queued one over and takes the held one back as
// a spare.
#include "core/row_reader.hpp"

#include <signal.h>

#include <cstring>
#include <new>

#include "core/cpp_only.hpp"
#include "core/hash64.hpp"

namespace hangar {

RowReader::RowReader(sqlite3_stmt *stmt, int columns, size_t batch_rows, size_t batch_bytes, bool threaded,
                     size_t ahead_bytes, RawHashing hashing)
    : stmt_(stmt),
      columns_(columns),
      batch_rows_(batch_rows),
      batch_bytes_(batch_bytes),
      ahead_bytes_(ahead_bytes),
      hashing_(hashing) {
  for (int i = 0; i < 2; ++i) {
    batches_.push_back(std::make_unique<RowBatch>());
    RowBatch &b = *batches_.back();
    b.columns_ = columns;
    b.values_.reserve(batch_rows * static_cast<size_t>(columns));
    b.arena_.reserve(batch_bytes + batch_bytes / 4);
    spare_.push_back(&b);
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

size_t RowReader::footprint(const RowBatch &batch) {
  return batch.values_.capacity() * sizeof(SqliteValue) + batch.arena_.capacity() +
         batch.raw_hashes_.capacity() * sizeof(uint64_t);
}

const RowBatch *RowReader::next() {
  if (!thread_.joinable()) {
    RowBatch &batch = *batches_[0];
    if (finished_) return nullptr;
    try {
      fill(batch);
    } catch (const std::bad_alloc &) {
      batch.rows_ = 0;
      result_ = SQLITE_NOMEM;
    }
    finished_ = result_ != SQLITE_ROW;
    return batch.rows_ > 0 ? &batch : nullptr;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  if (held_) spare_.push_back(held_);  // give the held batch back
  held_ = nullptr;
  changed_.notify_all();
  changed_.wait(lock, [this] { return !filled_.empty() || finished_; });
  if (filled_.empty()) return nullptr;
  held_ = filled_.front();
  filled_.pop_front();
  waiting_bytes_ -= footprint(*held_);
  changed_.notify_all();
  return held_;
}

void RowReader::run() {
  for (;;) {
    RowBatch *batch = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || may_fill(); });
      if (stopping_) break;
      if (spare_.empty()) {
        try {
          batches_.push_back(std::make_unique<RowBatch>());
          batches_.back()->columns_ = columns_;
          spare_.push_back(batches_.back().get());
        } catch (const std::bad_alloc &) {
          result_ = SQLITE_NOMEM;
          break;
        }
      }
      batch = spare_.back();
      spare_.pop_back();
    }
    try {
      fill(*batch);
    } catch (const std::bad_alloc &) {
      batch->rows_ = 0;
      result_ = SQLITE_NOMEM;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    bool last = result_ != SQLITE_ROW;  // the end or a failure: the rows read before it still count
    if (batch->rows_ > 0) {
      filled_.push_back(batch);
      waiting_bytes_ += footprint(*batch);
    } else {
      spare_.push_back(batch);
    }
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
  batch.raw_hashes_.clear();
  if (hashing_.columns == 0) return;
  batch.raw_hashes_.resize(batch.rows_);
  for (size_t r = 0; r < batch.rows_; ++r) batch.raw_hashes_[r] = raw_row_hash(batch, r, hashing_);
}

uint64_t raw_row_hash(const RowBatch &batch, size_t row, const RawHashing &hashing) {
  uint64_t raw = hashing.seed;
  for (int c = 0; c < hashing.columns; ++c) raw = hash64_combine(raw, sqlite_value_hash(batch.value(row, c)));
  return raw;
}

}  // namespace hangar
