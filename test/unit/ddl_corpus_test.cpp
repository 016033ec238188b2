// A corpus of odd but valid SQLite DDL, from SQLite's syntax diagrams (lang_createtable.html,
// lang_createindex.html, lang_createview.html) and its quirks. The test is self-checking: SQLite
// itself must accept each statement, and the parser must read it and find the columns SQLite
// reports (PRAGMA table_info), so the corpus can only grow with SQL that SQLite takes.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "core/ddl_parser.hpp"
#include "core/sql_parser.hpp"

using namespace hangar;

namespace {

const char *const kTables[] = {
    "CREATE TABLE t1 (a, b, c)",
    "CREATE TABLE t2 (a INTEGER PRIMARY KEY DESC, b)",
    "CREATE TABLE t3 (id INTEGER, PRIMARY KEY(id AUTOINCREMENT))",
    "CREATE TABLE t4 (a INT, b INT, FOREIGN KEY (a) REFERENCES t1(a) FOREIGN KEY (b) REFERENCES t1(b))",
    "CREATE TABLE t5 (a TEXT CONSTRAINT nn NOT NULL CONSTRAINT u UNIQUE ON CONFLICT IGNORE CONSTRAINT c CHECK (a <> '') DEFAULT 'x' COLLATE NOCASE)",
    "CREATE TABLE t6 (\"select\" TEXT, [from] INT, `where` REAL, 'to' BLOB)",
    "CREATE TABLE t7 (a UNSIGNED BIG INT, b DOUBLE PRECISION, c VARCHAR ( 10 , 2 ), d NATIVE CHARACTER(70), e \"my type\")",
    "CREATE TABLE t8 (a INT DEFAULT -1, b INT DEFAULT +2, c REAL DEFAULT 1.5e3, d TEXT DEFAULT (lower('X')), e BLOB DEFAULT x'00', f DEFAULT NULL, g DEFAULT TRUE, h DEFAULT CURRENT_TIMESTAMP)",
    "CREATE TABLE t9 (a INT, b INT GENERATED ALWAYS AS (a * 2) VIRTUAL, c AS (a + 1) STORED, d INT AS (a))",
    "CREATE TABLE t10 (a INT NOT NULL ON CONFLICT REPLACE, b INT PRIMARY KEY ON CONFLICT FAIL) WITHOUT ROWID",
    "CREATE TABLE t11 (a INT, b TEXT) STRICT",
    "CREATE TABLE t12 (a INT REFERENCES t1 MATCH FULL ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED)",
    "CREATE TABLE IF NOT EXISTS main.t13 (a)",
    "CREATE TABLE t14 (a, b, UNIQUE (a, b) ON CONFLICT ROLLBACK, CHECK (a > b), PRIMARY KEY (a DESC, b COLLATE BINARY))",
    "CREATE TABLE t15 (-- comment\n a /* c */ INT)",
    "CREATE TABLE t16 (a INT CHECK (a IN (1,2)) CHECK (a > 0))",
    "CREATE TABLE \"t 17\" (\"a\"\"b\" INT)",
    "CREATE TABLE t18 (a INT, CONSTRAINT pk PRIMARY KEY (a) CONSTRAINT chk CHECK (a > 0))",
    "CREATE TABLE t19 (rowid_alias INTEGER PRIMARY KEY ASC AUTOINCREMENT)",
    "CREATE TABLE t20 (a TEXT COLLATE RTRIM PRIMARY KEY) WITHOUT ROWID, STRICT",
    "CREATE TABLE t21 (key, value, action, abort, replace, left, right)",
    "CREATE TABLE t22 (a INTEGER DEFAULT(0)CHECK(a>=0))",
    "CREATE TABLE t23 (a INT, b INT, UNIQUE (a) CHECK (b > 0) FOREIGN KEY (b) REFERENCES t1(a))",
    "CREATE TABLE t24 (a DEFAULT 'x''y', b DEFAULT \"dq\", c DEFAULT 0x1F, d DEFAULT -0x10)",
    "CREATE TABLE t25 (a INT CONSTRAINT fk REFERENCES t1(a) ON DELETE SET DEFAULT ON UPDATE RESTRICT NOT DEFERRABLE)",
    "CREATE TABLE t26 AS SELECT 1 AS x, 'a' AS y",
    "CREATE TABLE t27 (a INT GENERATED ALWAYS AS (abs(a2)) STORED NOT NULL, a2 INT)",
    "CREATE TABLE t28 (a TEXT NOT NULL DEFAULT ('a' || 'b') CHECK (length(a) > 0) REFERENCES t1 (a) COLLATE BINARY)",
    "CREATE TABLE t29 ([a b] VARCHAR(10) PRIMARY KEY, \"c d\" INT UNIQUE)",
    "CREATE TABLE t30 (id INTEGER NOT NULL PRIMARY KEY, INTEGER, TEXT TEXT)",
};

const char *const kIndexes[] = {
    "CREATE INDEX i1 ON t1 (a)",
    "CREATE UNIQUE INDEX IF NOT EXISTS main.i2 ON t1 (a COLLATE NOCASE DESC, b ASC)",
    "CREATE INDEX i3 ON t1 (a + b, lower(c)) WHERE a IS NOT NULL AND b > 0",
    "CREATE INDEX \"i 4\" ON \"t 17\" (\"a\"\"b\")",
};

const char *const kViews[] = {
    "CREATE VIEW v1 AS SELECT a, b FROM t1",
    "CREATE VIEW IF NOT EXISTS v2 (x, y) AS SELECT a, count(*) FROM t1 GROUP BY a HAVING count(*) > 1",
    "CREATE VIEW v3 AS SELECT * FROM t1 NATURAL JOIN t4 LEFT OUTER JOIN t16 USING (a) WHERE t1.a IN (SELECT a FROM t16)",
    "CREATE VIEW v4 AS WITH w(n) AS (SELECT 1 UNION ALL SELECT 2) SELECT n FROM w ORDER BY n DESC NULLS LAST LIMIT 1 OFFSET 0",
    "CREATE VIEW v5 AS SELECT a, CASE WHEN a > 0 THEN 'p' WHEN a < 0 THEN 'n' ELSE 'z' END AS s, CAST(b AS TEXT) FROM t1",
    "CREATE VIEW v6 AS SELECT \"select\".[from] FROM t6 AS \"select\" WHERE `where` BETWEEN 1 AND 2 AND 'to' IS NOT NULL",
    "CREATE VIEW v7 AS SELECT t21.left, l.key FROM t21 AS l, t21 CROSS JOIN t1 WHERE l.value ISNULL OR t1.a NOTNULL",
    "CREATE VIEW v8 AS VALUES (1, 'a'), (2, 'b')",
    "CREATE VIEW v9 AS SELECT a FROM t1 UNION SELECT a FROM t4 INTERSECT SELECT a FROM t16 EXCEPT SELECT 3",
    "CREATE VIEW v10 AS SELECT a, row_number() OVER (ORDER BY a) FROM t1 WINDOW w AS (PARTITION BY b)",
    "CREATE VIEW v11 AS SELECT a || b -> '$' ->> 'x', -a, ~a, +a, NOT a, a COLLATE NOCASE FROM t1 INDEXED BY i1",
    "CREATE VIEW v12 AS SELECT DISTINCT a FROM (SELECT a FROM t1) AS s, (t4 JOIN t16 ON t4.a = t16.a) WHERE EXISTS (SELECT 1)",
};

class Sqlite {
 public:
  Sqlite() { sqlite3_open(":memory:", &db_); }
  ~Sqlite() { sqlite3_close(db_); }
  int exec(const std::string &sql) { return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr); }
  std::string error() const { return sqlite3_errmsg(db_); }
  std::vector<std::string> columns(const std::string &table) {
    std::vector<std::string> names;
    sqlite3_stmt *stmt = nullptr;
    sqlite3_prepare_v2(db_, "SELECT name FROM pragma_table_xinfo(?1)", -1, &stmt, nullptr);
    sqlite3_bind_text(stmt, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(stmt) == SQLITE_ROW) names.push_back(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)));
    sqlite3_finalize(stmt);
    return names;
  }
  std::string last_table_sql() {
    std::string sql;
    sqlite3_stmt *stmt = nullptr;
    sqlite3_prepare_v2(db_, "SELECT sql FROM sqlite_schema WHERE type = 'table' ORDER BY rowid DESC LIMIT 1", -1, &stmt,
                       nullptr);
    if (sqlite3_step(stmt) == SQLITE_ROW) sql = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return sql;
  }

 private:
  sqlite3 *db_ = nullptr;
};

}  // namespace

TEST(DdlCorpus, ReadsEveryTableSqliteAccepts) {
  Sqlite db;
  for (const char *sql : kTables) {
    ASSERT_EQ(db.exec(sql), SQLITE_OK) << sql << ": " << db.error();
    // The migration reads what sqlite_schema keeps (for CREATE TABLE AS, a column list SQLite writes).
    std::string stored = db.last_table_sql();
    TableDefinition t;
    ASSERT_NO_THROW(t = parse_create_table(stored)) << stored;
    std::vector<std::string> names;
    for (const ColumnDefinition &c : t.columns) names.push_back(c.name);
    EXPECT_EQ(names, db.columns(t.name)) << stored;
  }
}

TEST(DdlCorpus, ReadsIndexesAndViewBodies) {
  Sqlite db;
  for (const char *sql : kTables) ASSERT_EQ(db.exec(sql), SQLITE_OK) << sql;
  for (const char *sql : kIndexes) {
    ASSERT_EQ(db.exec(sql), SQLITE_OK) << sql << ": " << db.error();
    EXPECT_NO_THROW(parse_create_index(sql)) << sql;
  }
  for (const char *sql : kViews) {
    ASSERT_EQ(db.exec(sql), SQLITE_OK) << sql << ": " << db.error();
    ViewDefinition v = parse_create_view(sql);
    EXPECT_NO_THROW(parse_sql_select(v.body)) << sql;
  }
}

TEST(DdlCorpus, KeepsQuirksSqliteKeeps) {
  TableDefinition t = parse_create_table("CREATE TABLE t3 (id INTEGER, PRIMARY KEY(id AUTOINCREMENT))");
  EXPECT_TRUE(t.columns[0].autoincrement);
  TableDefinition four = parse_create_table(
      "CREATE TABLE t4 (a INT, b INT, FOREIGN KEY (a) REFERENCES t1(a) FOREIGN KEY (b) REFERENCES t1(b))");
  ASSERT_EQ(four.constraints.size(), 2u);
  EXPECT_EQ(four.constraints[1].columns, std::vector<std::string>{"b"});
  TableDefinition many = parse_create_table(
      "CREATE TABLE t23 (a INT, b INT, UNIQUE (a) CHECK (b > 0) FOREIGN KEY (b) REFERENCES t1(a))");
  EXPECT_EQ(many.constraints.size(), 3u);
}
