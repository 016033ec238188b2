// The read-ahead thread (see row_reader.hpp). The thread fills a spare batch (made when there
// is none) and queues it, and queues a mark at the end of each statement; next() hands the oldest
// queued batch over and takes the held one back as a spare, or returns nullptr at a mark.
#include "core/row_reader.hpp"

#include <signal.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "core/cpp_only.hpp"
#include "core/hash64.hpp"

namespace hangar {

RowReader::RowReader(std::vector<ReadStatement> statements, size_t batch_rows, size_t batch_bytes, bool threaded,
                     size_t ahead_bytes)
    : statements_(std::move(statements)), batch_rows_(batch_rows), batch_bytes_(batch_bytes), ahead_bytes_(ahead_bytes) {
  for (const ReadStatement &statement : statements_) widest_ = std::max(widest_, statement.columns);
  for (int i = 0; i < 2; ++i) add_spare_batch(batch_bytes + batch_bytes / 4);
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
  if (running && !statements_.empty())
    sqlite3_interrupt(sqlite3_db_handle(statements_[0].stmt));  // ends a long sqlite3_step at once
  changed_.notify_all();
  thread_.join();
}

void RowReader::add_spare_batch(size_t arena_bytes) {
  batches_.push_back(std::make_unique<RowBatch>());
  RowBatch &b = *batches_.back();
  // room for a full batch of any statement from the start: a vector grown value by value would
  // copy itself, and touch twice the memory it ends with
  b.values_.reserve(batch_rows_ * static_cast<size_t>(widest_));
  b.raw_hashes_.reserve(batch_rows_);
  b.arena_.reserve(arena_bytes);
  spare_.push_back(&b);
}

size_t RowReader::footprint(const RowBatch &batch) {
  return batch.values_.capacity() * sizeof(SqliteValue) + batch.arena_.capacity() +
         batch.raw_hashes_.capacity() * sizeof(uint64_t);
}

const RowBatch *RowReader::next_unthreaded() {
  RowBatch &batch = *batches_[0];
  if (unthreaded_at_ >= statements_.size()) return nullptr;
  if (unthreaded_code_ != SQLITE_ROW) {  // the statement ended with the batch returned last
    result_ = unthreaded_code_;
    unthreaded_at_ = result_ == SQLITE_DONE ? unthreaded_at_ + 1 : statements_.size();
    unthreaded_code_ = SQLITE_ROW;
    return nullptr;
  }
  try {
    unthreaded_code_ = fill(batch, statements_[unthreaded_at_]);
  } catch (const std::bad_alloc &) {
    batch.rows_ = 0;
    unthreaded_code_ = SQLITE_NOMEM;
  }
  return batch.rows_ > 0 ? &batch : next_unthreaded();
}

const RowBatch *RowReader::next() {
  if (!thread_.joinable()) return next_unthreaded();
  std::unique_lock<std::mutex> lock(mutex_);
  if (held_) spare_.push_back(held_);  // give the held batch back
  held_ = nullptr;
  changed_.notify_all();
  changed_.wait(lock, [this] { return !filled_.empty() || finished_; });
  if (filled_.empty()) return nullptr;
  Filled front = filled_.front();
  filled_.pop_front();
  if (!front.batch) {  // the statement's end
    result_ = front.end_code;
    return nullptr;
  }
  held_ = front.batch;
  waiting_bytes_ -= footprint(*held_);
  changed_.notify_all();
  return held_;
}

void RowReader::run() {
  for (const ReadStatement &statement : statements_) {
    int code = SQLITE_ROW;
    while (code == SQLITE_ROW) {
      RowBatch *batch = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return stopping_ || may_fill(); });
        if (stopping_) {
          finished_ = true;
          return;
        }
        try {
          if (spare_.empty()) add_spare_batch(last_arena_bytes_);
          batch = spare_.back();
          spare_.pop_back();
        } catch (const std::bad_alloc &) {
          code = SQLITE_NOMEM;
          break;
        }
      }
      try {
        code = fill(*batch, statement);
      } catch (const std::bad_alloc &) {
        batch->rows_ = 0;
        code = SQLITE_NOMEM;
      }
      std::lock_guard<std::mutex> lock(mutex_);
      if (batch->rows_ > 0) {  // the rows read before a failure still count
        filled_.push_back({batch, SQLITE_ROW});
        waiting_bytes_ += footprint(*batch);
      } else {
        spare_.push_back(batch);
      }
      changed_.notify_all();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    filled_.push_back({nullptr, code});
    changed_.notify_all();
    if (code != SQLITE_DONE) break;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  finished_ = true;
  changed_.notify_all();
}

int RowReader::fill(RowBatch &batch, const ReadStatement &statement) {
  batch.columns_ = statement.columns;
  batch.values_.clear();
  batch.arena_.clear();
  batch.rows_ = 0;
  // Text and blob bytes are copied into the arena, which may grow while the batch fills, so
  // their pointers are set once it is complete.
  std::vector<std::pair<size_t, size_t>> &placed = batch.placed_;  // (value index, arena offset)
  placed.clear();
  int code = SQLITE_ROW;
  while (batch.rows_ < batch_rows_ && batch.arena_.size() < batch_bytes_) {
    code = sqlite3_step(statement.stmt);
    if (code != SQLITE_ROW) break;
    for (int c = 0; c < statement.columns; ++c) {
      SqliteValue v = read_sqlite_value(statement.stmt, c);
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
  last_arena_bytes_ = batch.arena_.size();
  batch.raw_hashes_.clear();
  if (statement.hashing.columns == 0) return code;
  batch.raw_hashes_.resize(batch.rows_);
  for (size_t r = 0; r < batch.rows_; ++r) batch.raw_hashes_[r] = raw_row_hash(batch, r, statement.hashing);
  return code;
}

uint64_t raw_row_hash(const RowBatch &batch, size_t row, const RawHashing &hashing) {
  uint64_t raw = hashing.seed;
  for (int c = 0; c < hashing.columns; ++c) raw = hash64_combine(raw, sqlite_value_hash(batch.value(row, c)));
  return raw;
}

}  // namespace hangar
