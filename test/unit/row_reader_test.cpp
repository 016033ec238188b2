// Unit tests of core/row_reader: every value of every row arrives through the read-ahead thread,
// batches end by rows and by bytes, a reader allowed to run ahead does so within its bound,
// rows' raw hashes are computed on the thread, failures are reported, and destroying a reader
// early stops it; a reader of several statements reads them in turn, running ahead into the next,
// and a failure ends it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "core/hash64.hpp"
#include "core/row_reader.hpp"
#include "core/sqlite_db.hpp"

using namespace hangar;

namespace {

class RowReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "row_reader_test.db";
    std::remove(path_.c_str());
    Database::OpenOptions writable;
    writable.read_only = false;
    writable.create = true;
    Database db(path_, writable);
    db.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n);"
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) "
            "INSERT INTO t SELECT x, x / 4.0, 'row ' || x, zeroblob(x % 7), NULL FROM c;");
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
};

}  // namespace

namespace {

// Every row of t, in order, with every value; the number of batches.
size_t check_every_row(RowReader &reader, size_t batch_rows) {
  int64_t expected = 1;
  size_t batches = 0;
  while (const RowBatch *batch = reader.next()) {
    ++batches;
    EXPECT_LE(batch->rows(), batch_rows);
    for (size_t r = 0; r < batch->rows(); ++r, ++expected) {
      EXPECT_EQ(batch->value(r, 0).type, SQLITE_INTEGER);
      if (batch->value(r, 0).type != SQLITE_INTEGER) return batches;
      EXPECT_EQ(batch->value(r, 0).integer, expected);
      EXPECT_EQ(batch->value(r, 1).real, static_cast<double>(expected) / 4.0);
      EXPECT_EQ(batch->value(r, 2).content(), "row " + std::to_string(expected));
      EXPECT_EQ(batch->value(r, 2).bytes[batch->value(r, 2).length], '\0');
      EXPECT_EQ(batch->value(r, 3).type, SQLITE_BLOB);
      EXPECT_EQ(batch->value(r, 3).length, static_cast<int>(expected % 7));
      EXPECT_EQ(batch->value(r, 4).type, SQLITE_NULL);
    }
  }
  EXPECT_EQ(expected, 5001);
  EXPECT_EQ(reader.result_code(), SQLITE_DONE);
  EXPECT_EQ(reader.next(), nullptr);
  return batches;
}

// SQLite function counted(x): x, counting the rows SQLite produced so far.
std::atomic<int> produced{0};
void counted(sqlite3_context *context, int, sqlite3_value **args) {
  ++produced;
  sqlite3_result_value(context, args[0]);
}

}  // namespace

TEST_F(RowReaderTest, DeliversEveryRowInOrder) {
  Database db(path_, Database::OpenOptions{});
  Statement stmt = db.prepare("SELECT i, r, s, b, n FROM t ORDER BY i");
  RowReader reader(stmt.handle(), 5, 64, 1 << 20);
  EXPECT_EQ(check_every_row(reader, 64), (5000u + 63) / 64);
}

TEST_F(RowReaderTest, ReadsAheadWithinItsBound) {
  Database db(path_, Database::OpenOptions{});
  ASSERT_EQ(sqlite3_create_function(db.handle(), "counted", 1, SQLITE_UTF8, nullptr, counted, nullptr, nullptr), SQLITE_OK);
  auto rows_read_while_waiting = [&](size_t ahead_bytes) {
    Statement stmt = db.prepare("SELECT counted(i), r, s, b, n FROM t");
    produced = 0;
    RowReader reader(stmt.handle(), 5, 16, 4096, true, ahead_bytes);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the caller busy elsewhere
    int read = produced;
    check_every_row(reader, 16);
    return read;
  };
  EXPECT_LE(rows_read_while_waiting(0), 2 * 16);     // double buffering: one batch ahead, one filling
  EXPECT_EQ(rows_read_while_waiting(1 << 30), 5000);  // the whole table waits
  int bounded = rows_read_while_waiting(64 * 1024);  // a batch of 16 rows takes about 6 kB
  EXPECT_GT(bounded, 2 * 16);
  EXPECT_LT(bounded, 5000);
}

TEST_F(RowReaderTest, HashesEachRowsRawValues) {
  Database db(path_, Database::OpenOptions{});
  for (bool threaded : {true, false}) {
    Statement stmt = db.prepare("SELECT i, r, s, b, n FROM t ORDER BY i");
    RowReader reader(stmt.handle(), 5, 64, 1 << 20, threaded, 0, RawHashing{42, 4});
    size_t rows = 0;
    uint64_t previous = 0;
    while (const RowBatch *batch = reader.next())
      for (size_t r = 0; r < batch->rows(); ++r, ++rows) {
        // the first 4 values as they arrive (text and blobs at their final place), seed first
        uint64_t expected = 42;
        for (int c = 0; c < 4; ++c) expected = hash64_combine(expected, sqlite_value_hash(batch->value(r, c)));
        EXPECT_EQ(batch->raw_hash(r), expected);
        EXPECT_NE(batch->raw_hash(r), previous);
        previous = batch->raw_hash(r);
      }
    EXPECT_EQ(rows, 5000u);
  }
  Statement stmt = db.prepare("SELECT i, s FROM t ORDER BY i");
  RowReader plain(stmt.handle(), 2, 64, 1 << 20);
  const RowBatch *batch = plain.next();
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(batch->raw_hash(0), 0u);
}

TEST_F(RowReaderTest, EndsBatchesByBytes) {
  Database db(path_, Database::OpenOptions{});
  Statement stmt = db.prepare("SELECT s FROM t");
  RowReader reader(stmt.handle(), 1, 100000, 100);
  const RowBatch *batch = reader.next();
  ASSERT_NE(batch, nullptr);
  EXPECT_LT(batch->rows(), 20u);
}

TEST_F(RowReaderTest, ReportsFailures) {
  Database db(path_, Database::OpenOptions{});
  Statement stmt = db.prepare("SELECT i, CASE WHEN i = 100 THEN abs(-9223372036854775807 - 1) END FROM t");
  RowReader reader(stmt.handle(), 2, 64, 1 << 20);
  size_t rows = 0;
  while (const RowBatch *batch = reader.next()) rows += batch->rows();
  EXPECT_EQ(rows, 99u);
  EXPECT_EQ(reader.result_code(), SQLITE_ERROR);
}

TEST_F(RowReaderTest, StopsWhenDestroyedEarly) {
  Database db(path_, Database::OpenOptions{});
  Statement stmt = db.prepare("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c");
  {
    RowReader reader(stmt.handle(), 1, 16, 1 << 20);
    ASSERT_NE(reader.next(), nullptr);
  }  // an endless query: the destructor must not hang
  stmt.reset();
  Statement never = db.prepare("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c");
  {
    RowReader reader(never.handle(), 1, 16, 1 << 20);
  }  // stopped inside a single long sqlite3_step
  SUCCEED();
}

TEST_F(RowReaderTest, ReadsSeveralStatementsInTurn) {
  Database db(path_, Database::OpenOptions{});
  ASSERT_EQ(sqlite3_create_function(db.handle(), "counted", 1, SQLITE_UTF8, nullptr, counted, nullptr, nullptr), SQLITE_OK);
  for (bool threaded : {true, false}) {
    Statement first = db.prepare("SELECT i, r, s, b, n FROM t ORDER BY i");
    Statement empty = db.prepare("SELECT i FROM t WHERE i < 0");
    Statement second = db.prepare("SELECT counted(s), i FROM t ORDER BY i");
    produced = 0;
    RowReader reader({{first.handle(), 5, {}}, {empty.handle(), 1, {}}, {second.handle(), 2, RawHashing{7, 1}}}, 64,
                     1 << 20, threaded, size_t{1} << 30);
    if (threaded) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the caller busy elsewhere
      EXPECT_EQ(produced, 5000) << "the thread went on to the third statement";
    }
    // the first statement's rows, then nullptr; the nullptr it then checks is the empty statement's
    check_every_row(reader, 64);
    EXPECT_EQ(reader.result_code(), SQLITE_DONE);
    size_t rows = 0;
    while (const RowBatch *batch = reader.next())
      for (size_t r = 0; r < batch->rows(); ++r, ++rows) {
        EXPECT_EQ(batch->value(r, 0).content(), "row " + std::to_string(rows + 1));
        EXPECT_EQ(batch->value(r, 1).integer, static_cast<int64_t>(rows + 1));
        EXPECT_EQ(batch->raw_hash(r), hash64_combine(7, sqlite_value_hash(batch->value(r, 0))));
      }
    EXPECT_EQ(rows, 5000u);
    EXPECT_EQ(reader.result_code(), SQLITE_DONE);
    EXPECT_EQ(reader.next(), nullptr) << "after the last statement";
  }
}

TEST_F(RowReaderTest, AFailureEndsEveryLaterStatement) {
  Database db(path_, Database::OpenOptions{});
  for (bool threaded : {true, false}) {
    Statement good = db.prepare("SELECT i FROM t WHERE i <= 10");
    Statement failing = db.prepare("SELECT CASE WHEN i = 100 THEN abs(-9223372036854775807 - 1) ELSE i END FROM t");
    Statement never = db.prepare("SELECT i FROM t");
    RowReader reader({{good.handle(), 1, {}}, {failing.handle(), 1, {}}, {never.handle(), 1, {}}}, 64, 1 << 20, threaded,
                     size_t{1} << 30);
    size_t rows = 0;
    while (const RowBatch *batch = reader.next()) rows += batch->rows();
    EXPECT_EQ(rows, 10u);
    EXPECT_EQ(reader.result_code(), SQLITE_DONE);
    rows = 0;
    while (const RowBatch *batch = reader.next()) rows += batch->rows();
    EXPECT_EQ(rows, 99u);
    EXPECT_EQ(reader.result_code(), SQLITE_ERROR);
    EXPECT_EQ(reader.next(), nullptr) << "the third statement is not read";
    EXPECT_EQ(reader.result_code(), SQLITE_ERROR);
  }
}
