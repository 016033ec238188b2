// Unit tests of core/sqlite_query's write statements: the text for odd names, and SQLite itself
// running them (parameters numbered as bound, RETURNING, ON CONFLICT DO NOTHING, WITHOUT ROWID).
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <string>

#include "core/sqlite_db.hpp"
#include "core/sqlite_query.hpp"

using namespace hangar;

namespace {

class WriteSqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    run("CREATE TABLE \"odd \"\"t\" (id INTEGER PRIMARY KEY, \"my col\" TEXT UNIQUE, n INTEGER DEFAULT 7);"
        "CREATE TABLE kv (a TEXT, b INTEGER, v TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;");
  }
  void TearDown() override { sqlite3_close(db_); }

  void run(const std::string &sql) { ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sql; }

  // Binds text parameters in order, steps to the end, returns the first RETURNING value or "".
  std::string step(const std::string &sql, const std::vector<std::string> &params) {
    sqlite3_stmt *stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql << ": " << sqlite3_errmsg(db_);
    for (size_t i = 0; i < params.size(); ++i)
      sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
    std::string first;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
      if (first.empty() && sqlite3_column_text(stmt, 0)) first = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0));
    EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    return first;
  }

  sqlite3 *db_ = nullptr;
};

TEST_F(WriteSqlTest, InsertText) {
  EXPECT_EQ(insert_sql("odd \"t", {"my col", "n"}, false, {}), "INSERT INTO \"odd \"\"t\" (\"my col\", \"n\") VALUES (?1, ?2)");
  EXPECT_EQ(insert_sql("t", {}, false, {"id"}), "INSERT INTO \"t\" DEFAULT VALUES RETURNING \"id\"");
}

TEST_F(WriteSqlTest, InsertReturnsDefaultsAndIgnoresConflicts) {
  EXPECT_EQ(step(insert_sql("odd \"t", {"my col"}, false, {"n", "id"}), {"a"}), "7");
  EXPECT_EQ(step(insert_sql("odd \"t", {"my col"}, true, {"id"}), {"a"}), "");  // the conflict returns no row
  EXPECT_EQ(step(insert_sql("odd \"t", {"my col"}, true, {"id"}), {"b"}), "2");
}

TEST_F(WriteSqlTest, UpdateAndDeleteByRowid) {
  step(insert_sql("odd \"t", {"my col"}, false, {}), {"a"});
  RowLocator by_rowid{"rowid", {}};
  EXPECT_EQ(update_sql("odd \"t", {"my col"}, by_rowid, {"n"}), "UPDATE \"odd \"\"t\" SET \"my col\" = ?1 WHERE rowid = ?2 RETURNING \"n\"");
  EXPECT_EQ(step(update_sql("odd \"t", {"my col", "n"}, by_rowid, {"n"}), {"z", "9", "1"}), "9");
  EXPECT_EQ(step(delete_sql("odd \"t", by_rowid, {"my col"}), {"1"}), "z");
  EXPECT_EQ(step("SELECT count(*) FROM \"odd \"\"t\"", {}), "0");
}

TEST_F(WriteSqlTest, UpdateAndDeleteByKeyOfWithoutRowidTable) {
  step(insert_sql("kv", {"a", "b", "v"}, false, {}), {"x", "1", "one"});
  step(insert_sql("kv", {"a", "b", "v"}, false, {}), {"x", "2", "two"});
  RowLocator by_key{"", {"a", "b"}};
  EXPECT_EQ(delete_sql("kv", by_key, {}), "DELETE FROM \"kv\" WHERE \"a\" = ?1 AND \"b\" = ?2");
  EXPECT_EQ(step(update_sql("kv", {"v"}, by_key, {"v"}), {"TWO", "x", "2"}), "TWO");
  step(delete_sql("kv", by_key, {}), {"x", "1"});
  EXPECT_EQ(step("SELECT group_concat(v) FROM kv", {}), "TWO");
}

}  // namespace
