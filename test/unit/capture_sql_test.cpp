// Unit tests of core/capture_sql (change capture's SQLite side) run by SQLite itself: the
// triggers log exactly the keys written, the values keep their storage class, an update that
// moves a key logs both keys, odd names work, and the queries hangar_sync reads the log with
// pick the logged rows and keys in a seq range. Also core/sqlite_value's raw hash.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <string>

#include "core/capture_sql.hpp"
#include "core/sqlite_value.hpp"

using namespace hangar;

namespace {

class CaptureSqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    run("CREATE TABLE \"odd \"\"t\" (id INTEGER PRIMARY KEY, v TEXT);"
        "CREATE TABLE kv (a TEXT, \"b c\" INTEGER, v TEXT, PRIMARY KEY (a, \"b c\")) WITHOUT ROWID;");
    run(capture_log_ddl(2));
    for (const std::string &ddl : capture_trigger_ddl("odd \"t", {"id"})) run(ddl);
    for (const std::string &ddl : capture_trigger_ddl("kv", {"a", "b c"})) run(ddl);
    run("CREATE TABLE loose (x, y)");
    for (const std::string &ddl : capture_trigger_ddl("loose", {})) run(ddl);
  }
  void TearDown() override { sqlite3_close(db_); }

  void run(const std::string &sql) {
    char *error = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << sql << ": " << (error ? error : "");
  }

  // The rows of a query, each as "v1|v2|..." with typeof() of each value beside it.
  std::string rows(const std::string &sql) {
    sqlite3_stmt *stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql << ": " << sqlite3_errmsg(db_);
    std::string out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char *text = sqlite3_column_text(stmt, i);
        out += (i ? "|" : "") + std::string(text ? reinterpret_cast<const char *>(text) : "NULL");
      }
      out += ";";
    }
    sqlite3_finalize(stmt);
    return out;
  }

  sqlite3 *db_ = nullptr;
};

TEST_F(CaptureSqlTest, LogsTheKeysOfEveryWrite) {
  run("INSERT INTO \"odd \"\"t\" (v) VALUES ('a'), ('b');"
      "UPDATE \"odd \"\"t\" SET v = 'B' WHERE id = 2;"
      "UPDATE \"odd \"\"t\" SET id = 5 WHERE id = 1;"
      "DELETE FROM \"odd \"\"t\" WHERE id = 2;");
  EXPECT_EQ(rows("SELECT seq, tbl, k1, typeof(k1), k2 FROM hangar_capture_log ORDER BY seq"),
            "1|odd \"t|1|integer|NULL;2|odd \"t|2|integer|NULL;3|odd \"t|2|integer|NULL;"
            "4|odd \"t|1|integer|NULL;5|odd \"t|5|integer|NULL;6|odd \"t|2|integer|NULL;");
}

TEST_F(CaptureSqlTest, CompositeKeysKeepTheirStorageClass) {
  run("INSERT INTO kv VALUES ('x', 1, 'v'), ('1', '2', 'w');"
      "UPDATE kv SET v = 'changed' WHERE a = 'x';");
  EXPECT_EQ(rows("SELECT tbl, k1, typeof(k1), k2, typeof(k2) FROM hangar_capture_log ORDER BY seq"),
            "kv|x|text|1|integer;kv|1|text|2|integer;kv|x|text|1|integer;");
}

TEST_F(CaptureSqlTest, QueriesPickTheLoggedRowsOfARange) {
  run("INSERT INTO kv VALUES ('x', 1, 'v'), ('y', 2, 'w'), ('z', 3, 'u');"  // seq 1, 2, 3
      "DELETE FROM kv WHERE a = 'y';"                                         // seq 4
      "UPDATE kv SET v = 'again' WHERE a = 'z';");                            // seq 5
  EXPECT_EQ(rows("SELECT a FROM kv WHERE " + captured_rows_condition("kv", {"a", "b c"}, 1, 5) + " ORDER BY a"), "z;");
  EXPECT_EQ(rows("SELECT a FROM kv WHERE " + captured_rows_condition("kv", {"a", "b c"}, 0, 5) + " ORDER BY a"), "x;z;");
  EXPECT_EQ(rows(captured_keys_sql("kv", 2, 1, 5) + " ORDER BY 1"), "y|2;z|3;");
  EXPECT_EQ(rows(captured_keys_sql("kv", 2, 3, 4)), "y|2;");
  EXPECT_EQ(rows(captured_keys_sql("odd \"t", 1, 0, 5)), "");
}

TEST_F(CaptureSqlTest, WritesToATableWithoutKeyLogTheTableAlone) {
  run("INSERT INTO loose VALUES (1, 'a'), (1, 'a');"  // seq 1, 2
      "UPDATE loose SET y = 'b' WHERE rowid = 1;"     // seq 3
      "DELETE FROM loose;"                             // seq 4, 5
      "INSERT INTO kv VALUES ('x', 1, 'v');");         // seq 6
  EXPECT_EQ(rows("SELECT seq, tbl, k1, k2 FROM hangar_capture_log WHERE tbl = 'loose' ORDER BY seq"),
            "1|loose|NULL|NULL;2|loose|NULL|NULL;3|loose|NULL|NULL;4|loose|NULL|NULL;5|loose|NULL|NULL;");
  EXPECT_EQ(rows(captured_count_sql("loose", 2, 6)), "3;");
  EXPECT_EQ(rows(captured_count_sql("loose", 5, 6)), "0;");
  EXPECT_EQ(rows(captured_count_sql("kv", 0, 6)), "1;");
}

TEST_F(CaptureSqlTest, TriggerNamesFollowTheTable) {
  EXPECT_EQ(capture_trigger_names("kv"),
            (std::vector<std::string>{"hangar_capture_insert_kv", "hangar_capture_update_kv", "hangar_capture_delete_kv"}));
  EXPECT_EQ(rows("SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'odd \"t'"), "3;");
}

TEST(SqliteValueHash, StorageClassAndBytesBothCount) {
  SqliteValue integer, real, text, blob, null, other_text;
  integer.type = SQLITE_INTEGER;
  integer.integer = 49;
  real.type = SQLITE_FLOAT;
  real.real = 49.0;
  text.type = SQLITE_TEXT;
  text.bytes = "1";
  text.length = 1;
  blob.type = SQLITE_BLOB;
  blob.bytes = "1";
  blob.length = 1;
  other_text = text;
  other_text.bytes = "2";
  uint64_t hashes[] = {sqlite_value_hash(integer), sqlite_value_hash(real), sqlite_value_hash(text),
                       sqlite_value_hash(blob), sqlite_value_hash(null), sqlite_value_hash(other_text)};
  for (size_t i = 0; i < 6; ++i)
    for (size_t j = i + 1; j < 6; ++j) EXPECT_NE(hashes[i], hashes[j]) << i << " " << j;
  SqliteValue same_text = text;
  same_text.bytes = "1";
  EXPECT_EQ(sqlite_value_hash(text), sqlite_value_hash(same_text));
}

}  // namespace
