// Unit tests of core/row_reader: every value of every row arrives through the read-ahead thread,
// batches end by rows and by bytes, failures are reported, and destroying a reader early stops it.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

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

TEST_F(RowReaderTest, DeliversEveryRowInOrder) {
  Database db(path_, Database::OpenOptions{});
  Statement stmt = db.prepare("SELECT i, r, s, b, n FROM t ORDER BY i");
  RowReader reader(stmt.handle(), 5, 64, 1 << 20);
  int64_t expected = 1;
  size_t batches = 0;
  while (const RowBatch *batch = reader.next()) {
    ++batches;
    EXPECT_LE(batch->rows(), 64u);
    for (size_t r = 0; r < batch->rows(); ++r, ++expected) {
      ASSERT_EQ(batch->value(r, 0).type, SQLITE_INTEGER);
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
  EXPECT_EQ(batches, (5000u + 63) / 64);
  EXPECT_EQ(reader.result_code(), SQLITE_DONE);
  EXPECT_EQ(reader.next(), nullptr);
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
