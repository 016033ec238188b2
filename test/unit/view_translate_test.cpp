// Unit tests of core/view_translate: relation names resolve only to the file's migrated tables
// and views (schema-qualified), names and joins keep SQLite's meaning, and what differs is refused.
#include <gtest/gtest.h>

#include <map>

#include "core/ascii_case.hpp"
#include "core/view_translate.hpp"
#include "test_quoter.hpp"

using namespace hangar;

namespace {

Relation table(const char *qualified, std::vector<RelationColumn> columns, int rowid_alias = -1) {
  Relation r;
  r.pg_qualified = qualified;
  r.columns = std::move(columns);
  r.rowid_alias = rowid_alias;
  return r;
}

RelationColumn col(const char *name, const char *type, ValueKind kind) { return {name, name, type, kind, ""}; }

const std::map<std::string, Relation> kRelations = {
    {"users", table("app.users", {col("id", "integer", ValueKind::Integer), col("name", "text", ValueKind::Text),
                                  col("active", "boolean", ValueKind::Boolean)}, 0)},
    {"orders", table("app.orders", {col("id", "integer", ValueKind::Integer), col("user_id", "integer", ValueKind::Integer),
                                    col("total", "double precision", ValueKind::Real)}, 0)},
    {"left", table("app.\"left\"", {col("id", "integer", ValueKind::Integer), col("v", "text", ValueKind::Text)})},
    {"select", table("app.\"select\"", {col("id", "integer", ValueKind::Integer)})},
    {"tags", table("app.tags", {col("id", "integer", ValueKind::Integer), {"name", "name", "text", ValueKind::Text, "NOCASE"}})}};

TestQuoter quote;

const Relation *lookup(const std::string &name) {
  auto found = kRelations.find(ascii_lower(name));
  return found == kRelations.end() ? nullptr : &found->second;
}

ViewTranslation view(const char *sql, std::vector<std::string> columns) {
  return translate_view(tokenize_sql(sql), columns, lookup, quote);
}

std::string sql(const char *body, std::vector<std::string> columns) {
  ViewTranslation t = view(body, columns);
  return t.ok ? t.sql : "REFUSED: " + t.reason;
}

}  // namespace

TEST(ViewTranslate, QualifiesEveryRelationAndColumn) {
  EXPECT_EQ(sql("SELECT u.id, name FROM users u WHERE active", {"id", "name"}),
            "SELECT \"u\".\"id\" AS \"id\", \"u\".\"name\" AS \"name\" FROM app.users AS \"u\" WHERE \"u\".\"active\"");
  EXPECT_EQ(sql("SELECT * FROM users", {"id", "name", "active"}),
            "SELECT \"users\".\"id\", \"users\".\"name\", \"users\".\"active\" FROM app.users AS \"users\"");
  EXPECT_EQ(sql("SELECT USERS.rowid FROM Users", {"rowid"}),
            "SELECT \"Users\".\"id\" AS \"rowid\" FROM app.users AS \"Users\"");
}

TEST(ViewTranslate, RefusesRelationsThatAreNotTheFiles) {
  EXPECT_EQ(sql("SELECT rolname FROM pg_authid", {"rolname"}),
            "REFUSED: the relation \"pg_authid\" (not a table or view migrated from the file)");
  EXPECT_FALSE(view("SELECT * FROM temp.users", {"id", "name", "active"}).ok);
  EXPECT_FALSE(view("SELECT * FROM json_each('[1]')", {"key"}).ok);
  EXPECT_FALSE(view("SELECT (SELECT count(*) FROM pg_class) AS n FROM users", {"n"}).ok);
}

TEST(ViewTranslate, KeywordsNamedTablesStayTablesAndJoinsStayJoins) {
  EXPECT_EQ(sql("SELECT a.id, b.v FROM users a LEFT JOIN \"left\" b ON b.id = a.id", {"id", "v"}),
            "SELECT \"a\".\"id\" AS \"id\", \"b\".\"v\" AS \"v\" FROM app.users AS \"a\" LEFT JOIN app.\"left\" AS \"b\" "
            "ON (\"b\".\"id\" = \"a\".\"id\")");
  EXPECT_EQ(sql("SELECT left.v FROM left, \"select\"", {"v"}),
            "SELECT \"left\".\"v\" AS \"v\" FROM app.\"left\" AS \"left\" CROSS JOIN app.\"select\" AS \"select\"");
  EXPECT_EQ(sql("SELECT * FROM users NATURAL JOIN \"left\"", {"id", "name", "active", "v"}),
            "SELECT \"id\", \"users\".\"name\", \"users\".\"active\", \"left\".\"v\" FROM app.users AS \"users\" JOIN "
            "app.\"left\" AS \"left\" USING (\"id\")");
}

TEST(ViewTranslate, AggregatesAndOrderingKeepSqliteMeaning) {
  EXPECT_EQ(sql("SELECT max(total) AS m, min(total) FROM orders", {"m", "min(total)"}),
            "SELECT max(\"orders\".\"total\") AS \"m\", min(\"orders\".\"total\") AS \"column2\" FROM app.orders AS \"orders\"");
  EXPECT_EQ(sql("SELECT name FROM users ORDER BY name DESC LIMIT 3", {"name"}),
            "SELECT \"users\".\"name\" AS \"name\" FROM app.users AS \"users\" ORDER BY (\"users\".\"name\" COLLATE \"C\") "
            "DESC NULLS LAST LIMIT 3");
  EXPECT_EQ(sql("SELECT user_id, count(*) AS n, avg(total) FROM orders GROUP BY user_id HAVING n > 1",
                {"user_id", "n", "avg(total)"}),
            "SELECT \"orders\".\"user_id\" AS \"user_id\", count(*) AS \"n\", avg(CAST(\"orders\".\"total\" AS double "
            "precision)) AS \"column3\" FROM app.orders AS \"orders\" GROUP BY \"orders\".\"user_id\" HAVING (count(*) > 1)");
  EXPECT_EQ(sql("SELECT id FROM users UNION SELECT id FROM orders ORDER BY 1", {"id"}),
            "SELECT * FROM (SELECT \"users\".\"id\" AS \"id\" FROM app.users AS \"users\" UNION SELECT \"orders\".\"id\" AS "
            "\"id\" FROM app.orders AS \"orders\") AS hangar_compound ORDER BY hangar_compound.\"id\" ASC NULLS FIRST");
  EXPECT_FALSE(view("SELECT name, row_number() OVER () FROM users", {"name", "n"}).ok);
  EXPECT_FALSE(view("SELECT sum(name) FROM users", {"s"}).ok);
}

TEST(ViewTranslate, ResolvesCorrelatedSubqueriesAndCommonTables) {
  EXPECT_EQ(sql("WITH big AS (SELECT user_id FROM orders WHERE total > 100) "
                "SELECT name FROM users u WHERE EXISTS (SELECT 1 FROM big WHERE big.user_id = u.id)",
                {"name"}),
            "WITH \"big\" (\"user_id\") AS (SELECT \"orders\".\"user_id\" AS \"user_id\" FROM app.orders AS \"orders\" "
            "WHERE (\"orders\".\"total\" > 100)) SELECT \"u\".\"name\" AS \"name\" FROM app.users AS \"u\" WHERE "
            "(EXISTS (SELECT 1 AS \"column1\" FROM \"big\" AS \"big\" WHERE (\"big\".\"user_id\" = \"u\".\"id\")))");
  EXPECT_FALSE(view("SELECT x FROM users", {"x"}).ok);
  EXPECT_FALSE(view("SELECT id FROM users, orders", {"id"}).ok);  // ambiguous
}

TEST(ViewTranslate, ChecksTheColumnCountSqliteReports) {
  EXPECT_FALSE(view("SELECT id FROM users", {"id", "extra"}).ok);
}

TEST(ViewTranslate, RefusesCompoundsThatCompareFoldedText) {
  // SQLite drops duplicate rows of UNION, INTERSECT and EXCEPT under a column's collation: 'A' and
  // 'a' are one row under NOCASE, two in PostgreSQL; UNION ALL keeps every row either way
  EXPECT_EQ(sql("SELECT name FROM tags UNION SELECT name FROM users", {"name"}), "REFUSED: UNION under COLLATE NOCASE");
  EXPECT_EQ(sql("SELECT name FROM users EXCEPT SELECT name FROM tags", {"name"}), "REFUSED: EXCEPT under COLLATE NOCASE");
  EXPECT_EQ(sql("SELECT name FROM users UNION ALL SELECT name FROM tags INTERSECT SELECT name FROM users", {"name"}),
            "REFUSED: INTERSECT under COLLATE NOCASE");
  EXPECT_EQ(sql("SELECT name FROM tags UNION ALL SELECT name FROM users", {"name"}).rfind("REFUSED", 0), std::string::npos);
  EXPECT_EQ(sql("SELECT name FROM users UNION SELECT name FROM users", {"name"}).rfind("REFUSED", 0), std::string::npos);
  EXPECT_EQ(sql("SELECT id FROM tags EXCEPT SELECT id FROM users", {"id"}).rfind("REFUSED", 0), std::string::npos);
}
