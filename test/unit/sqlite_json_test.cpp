// Unit tests of core/sqlite_json: a file whose schema calls SQLite's JSON functions (Django's
// JSON_VALID CHECK, generated columns over json_extract and ->>) opens with trusted_schema off,
// read-only and writable; the CHECK still refuses bad JSON; and every function answers exactly as
// SQLite's built-in one does, values and errors alike (compared on a plain connection).
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/sqlite_db.hpp"
#include "temp_database.hpp"

using namespace hangar;

namespace {

class SqliteJsonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Database db = file_.open_writable();
    db.exec("CREATE TABLE doc (id INTEGER PRIMARY KEY,"
            " body TEXT NULL CHECK ((JSON_VALID(body) OR body IS NULL)),"
            " kind TEXT GENERATED ALWAYS AS (json_extract(body, '$.kind')) VIRTUAL,"
            " n INTEGER GENERATED ALWAYS AS (body ->> '$.n') STORED);"
            "INSERT INTO doc (body) VALUES ('{\"kind\": \"a\", \"n\": 1}'), (NULL), ('[1, 2]');");
  }

  // quote() of every row of a one-column query, joined by '|'.
  static std::string rows(const Database &db, const std::string &sql) {
    Statement stmt = db.prepare(sql);
    std::string out;
    while (stmt.step()) out += (out.empty() ? "" : "|") + stmt.column_text(0);
    return out;
  }

  TempDatabase file_;
};

}  // namespace

TEST_F(SqliteJsonTest, SchemaCallingJsonFunctionsOpens) {
  for (bool read_only : {true, false}) {
    Database::OpenOptions options;
    options.read_only = read_only;
    Database db(file_.path(), options);
    EXPECT_EQ(rows(db, "SELECT quote(kind) || ',' || quote(n) FROM doc ORDER BY id"), "'a',1|NULL,NULL|NULL,NULL");
  }
}

TEST_F(SqliteJsonTest, CheckStillRefusesBadJson) {
  Database::OpenOptions writable;
  writable.read_only = false;
  Database db(file_.path(), writable);
  db.exec("INSERT INTO doc (body) VALUES ('{\"kind\": \"b\"}')");
  EXPECT_EQ(rows(db, "SELECT kind FROM doc WHERE id = 4"), "b");
  // refused as SQLite itself refuses it, on a plain connection (trusted_schema on)
  sqlite3 *plain = nullptr;
  ASSERT_EQ(sqlite3_open(file_.path().c_str(), &plain), SQLITE_OK);
  for (const char *insert : {"INSERT INTO doc (body) VALUES ('{not json')", "INSERT INTO doc (id, body) VALUES (9, '')"}) {
    ASSERT_NE(sqlite3_exec(plain, insert, nullptr, nullptr, nullptr), SQLITE_OK) << insert;
    std::string theirs = sqlite3_errmsg(plain);
    try {
      db.exec(insert);
      ADD_FAILURE() << "bad JSON was accepted: " << insert;
    } catch (const Error &e) {
      EXPECT_NE(e.detail().find(theirs), std::string::npos) << e.detail() << " against SQLite's " << theirs;
    }
  }
  sqlite3_close(plain);
  EXPECT_EQ(rows(db, "SELECT count(*) FROM doc"), "4");
}

TEST_F(SqliteJsonTest, AnswersAsTheBuiltInFunctions) {
  Database db(file_.path(), Database::OpenOptions{});
  sqlite3 *plain = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &plain), SQLITE_OK);
  const std::vector<std::string> docs = {"'{\"a\": [1, 2.5, \"x\"], \"b\": null, \"c\": {\"d\": true}}'", "'[]'",
                                         "'\"str\"'", "'{bad'", "NULL", "42", "x'7b7d'"};
  const std::vector<std::string> calls = {
      "json(D)",        "json_valid(D)",          "json_type(D)",         "json_type(D, '$.a')",
      "json_array_length(D)", "json_array_length(D, '$.a')", "json_extract(D, '$.a[1]', '$.b')",
      "json_extract(D, '$.c')", "D -> '$.c'", "D ->> '$.a[2]'", "json_quote(D)", "json_array(D, 1)",
      "json_object('k', D)", "json_insert(D, '$.z', 1)", "json_set(D, '$.a[0]', 'y')", "json_remove(D, '$.b')",
      "json_replace(D, '$.b', 2)", "json_patch(D, '{\"b\": 3}')"};
  for (const std::string &d : docs)
    for (std::string call : calls) {
      for (size_t at; (at = call.find('D')) != std::string::npos;) call.replace(at, 1, d);
      std::string sql = "SELECT typeof(" + call + ") || ':' || quote(" + call + ")";
      std::string ours;
      try {
        ours = rows(db, sql);
      } catch (const Error &e) {
        ours = std::string("error: ") + e.detail();
      }
      sqlite3_stmt *stmt = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(plain, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
      std::string theirs;
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW)
        theirs = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0));
      else
        theirs = std::string("error: ") + sqlite3_errmsg(plain);
      sqlite3_finalize(stmt);
      if (theirs.rfind("error: ", 0) == 0)
        EXPECT_NE(ours.find(theirs.substr(7)), std::string::npos) << sql << "\n ours: " << ours << "\n SQLite: " << theirs;
      else
        EXPECT_EQ(ours, theirs) << sql;
    }
  sqlite3_close(plain);
}
