// Unit tests of core/expr_translate with a stand-in for PostgreSQL's quoting: what translates,
// how (fully parenthesised, in SQLite's grouping), and what is refused.
#include <gtest/gtest.h>

#include <map>

#include "core/expr_translate.hpp"
#include "test_quoter.hpp"

using namespace hangar;

namespace {

const std::map<std::string, ResolvedColumn> kColumns = {
    {"price", {"price", "numeric(12,2)", false, ""}}, {"is_admin", {"is_admin", "boolean", false, ""}},
    {"title", {"Title", "text", false, ""}},          {"qty", {"qty", "integer", false, ""}},
    {"ratio", {"ratio", "double precision", false, ""}}, {"code", {"code", "text", false, "NOCASE"}},
    {"status", {"status", "app.order_state", true, ""}}, {"born", {"born", "date", false, ""}},
    {"died", {"died", "date", false, ""}},            {"data", {"data", "json", false, ""}},
    {"c", {"c", "text", false, ""}},                  {"blob", {"blob", "bytea", false, ""}}};

const ResolvedColumn *lookup(const std::string &name) {
  for (const auto &[key, column] : kColumns)
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return &column;
  return nullptr;
}

TestQuoter quote;

Translation value(const char *sql, ExprContext context = ExprContext::Generated) {
  return translate_expression(tokenize_sql(sql), context, lookup, quote);
}
std::string check(const char *sql) {
  Translation t = translate_condition(tokenize_sql(sql), ExprContext::Check, lookup, quote);
  return t.ok ? t.sql : "REFUSED: " + t.reason;
}
Translation default_for(const char *sql, const char *type, Affinity affinity = Affinity::Text) {
  return translate_default(tokenize_sql(sql), type, affinity, quote);
}

}  // namespace

TEST(ExprTranslate, ParenthesisesInSqliteGrouping) {
  // SQLite: || binds tighter than +, so c || 1 + 1 is (c || 1) + 1, which is text + integer.
  EXPECT_FALSE(value("c || 1 + 1").ok);
  EXPECT_EQ(value("c || (1 + 1)").sql, "(\"c\" || CAST((1 + 1) AS text))");
  EXPECT_EQ(value("qty + 2 * 3").sql, "(\"qty\" + (2 * 3))");
  EXPECT_EQ(value("qty - 1 - 1").sql, "((\"qty\" - 1) - 1)");
  EXPECT_EQ(check("NOT qty = 1 AND price > 0 OR is_admin"),
            "(((NOT (\"qty\" = 1)) AND (\"price\" > 0)) OR \"is_admin\")");
  EXPECT_EQ(value("qty & 3 + 1").sql, "(\"qty\" & (3 + 1))");
  // < binds tighter than =: (qty < 1) = 1, a truth value compared with 1
  EXPECT_EQ(check("qty < 1 = 1"), "((\"qty\" < 1) = true)");
  EXPECT_EQ(check("qty = 1 < 2"), "REFUSED: a comparison of an integer value, \"qty\", with a boolean value, (1 < 2) "
                                   "(SQLite compares by storage class and affinity)");
}

TEST(ExprTranslate, MapsNamesOperatorsAndFunctions) {
  EXPECT_EQ(check("PRICE >= 0"), "(\"price\" >= 0)");
  EXPECT_EQ(check("trim(title) <> ''"), "(btrim(\"Title\") <> '')");
  EXPECT_EQ(check("ifnull(price, 0) == 1"), "(coalesce(\"price\", 0) = 1)");
  EXPECT_EQ(check("price IS NOT NULL"), "(\"price\" IS NOT NULL)");
  EXPECT_EQ(check("price IS 5"), "(\"price\" IS NOT DISTINCT FROM 5)");
  EXPECT_EQ(check("price IS NOT 5"), "(\"price\" IS DISTINCT FROM 5)");
  EXPECT_EQ(check("title = 'it''s'"), "(\"Title\" = 'it''s')");
  EXPECT_EQ(check("title > 'a'"), "(\"Title\" COLLATE \"C\" > 'a')");
  EXPECT_EQ(check("qty BETWEEN 1 AND 10"), "(\"qty\" BETWEEN 1 AND 10)");
  EXPECT_EQ(check("title NOT IN ('a', 'b')"), "(\"Title\" NOT IN ('a', 'b'))");
  EXPECT_EQ(check("qty IN ()"), "false");
  EXPECT_EQ(check("born <= died"), "(\"born\" <= \"died\")");
  EXPECT_EQ(check("status = 'open'"), "(\"status\" = 'open')");
  EXPECT_EQ(check("qty"), "(\"qty\" <> 0)");
  EXPECT_EQ(check("qty = '5'"), "(\"qty\" = '5')");
}

TEST(ExprTranslate, ComparesBooleansWithBooleans) {
  EXPECT_EQ(check("is_admin = 1 AND price > 1"), "((\"is_admin\" = true) AND (\"price\" > 1))");
  EXPECT_EQ(check("is_admin IN (0, 1)"), "(\"is_admin\" IN (false, true))");
  std::string column;
  EXPECT_TRUE(boolean_check(tokenize_sql("is_admin IN (0, 1)"), &column));
  EXPECT_EQ(column, "is_admin");
  EXPECT_FALSE(boolean_check(tokenize_sql("is_admin IN (0, 2)"), &column));
}

TEST(ExprTranslate, KeepsSqliteArithmetic) {
  EXPECT_EQ(value("qty / 2").sql, "(\"qty\" / NULLIF(2, 0))");
  EXPECT_EQ(value("qty % 3").sql, "(\"qty\" % NULLIF(3, 0))");
  EXPECT_EQ(value("qty * 1.5").sql, "(\"qty\" * CAST(1.5 AS double precision))");
  EXPECT_EQ(value("price * 2").sql, "(\"price\" * 2)");
  EXPECT_FALSE(value("price / 3").ok);
  EXPECT_EQ(value("price * qty * (1 - ratio) / 100").sql,
            "(((\"price\" * \"qty\") * (1 - \"ratio\")) / NULLIF(100, 0))");  // double precision, as in SQLite
  EXPECT_EQ(value("price * 1.1").sql, "(\"price\" * CAST(1.1 AS double precision))");
  EXPECT_FALSE(value("ratio % 2").ok);
  EXPECT_EQ(value("0xFFFFFFFFFFFFFFFF").sql, "(-1)");
  EXPECT_EQ(value("0x7FFFFFFFFFFFFFFF").sql, "9223372036854775807");
  EXPECT_EQ(value("0x8000000000000000").sql, "(-9223372036854775808)");
  EXPECT_FALSE(value("9223372036854775808").ok);
  EXPECT_EQ(value("1_000 + 0xF_F").sql, "(1000 + 255)");
  EXPECT_EQ(value("qty << 2").sql, "(\"qty\" << 2)");
  EXPECT_FALSE(value("qty << -1").ok);
  EXPECT_FALSE(value("qty << qty").ok);
}

TEST(ExprTranslate, CastsAsSqliteCasts) {
  EXPECT_EQ(value("CAST(2.7 AS INTEGER)").sql, "CAST(trunc(2.7) AS bigint)");
  EXPECT_EQ(value("CAST(ratio AS INT)").sql, "CAST(trunc(\"ratio\") AS bigint)");
  EXPECT_EQ(value("CAST(qty AS TEXT)").sql, "CAST(\"qty\" AS text)");
  EXPECT_FALSE(value("CAST(ratio AS TEXT)").ok);
  EXPECT_FALSE(value("CAST(title AS INTEGER)").ok);
  EXPECT_EQ(value("CAST(qty AS REAL)").sql, "CAST(\"qty\" AS double precision)");
  EXPECT_EQ(value("CAST(title AS BLOB)").sql, "convert_to(\"Title\", 'UTF8')");
}

TEST(ExprTranslate, AllowsOnlyFunctionsThatMeanTheSame) {
  EXPECT_EQ(value("upper(title)").sql, "translate(\"Title\", 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')");
  EXPECT_EQ(value("lower(title)", ExprContext::Index).sql, "lower(\"Title\")");
  EXPECT_EQ(value("substr(title, 2, 3)").sql, "substr(\"Title\", 2, 3)");
  EXPECT_FALSE(value("substr(title, -3)").ok);
  EXPECT_FALSE(value("substr(title, 0)").ok);
  EXPECT_FALSE(value("substr(title, qty)").ok);
  EXPECT_EQ(value("max(qty, 3)").sql, "(CASE WHEN \"qty\" IS NULL OR 3 IS NULL THEN NULL ELSE greatest(\"qty\", 3) END)");
  EXPECT_FALSE(value("max(qty)").ok);  // the aggregate, outside a view
  EXPECT_EQ(value("length(title) + instr(title, 'x')").sql, "(length(\"Title\") + strpos(\"Title\", 'x'))");
  EXPECT_EQ(value("iif(qty > 1, 'many', 'one')").sql, "(CASE WHEN (\"qty\" > 1) THEN 'many' ELSE 'one' END)");
  EXPECT_EQ(value("likely(qty)").sql, "\"qty\"");
  EXPECT_FALSE(value("length(qty)").ok);
  EXPECT_FALSE(value("round(ratio)").ok);
  EXPECT_FALSE(value("typeof(price)").ok);
  EXPECT_FALSE(value("date(born)").ok);
}

TEST(ExprTranslate, RefusesWhatMeansSomethingElse) {
  EXPECT_FALSE(value("title LIKE 'a%'").ok);
  EXPECT_FALSE(value("title GLOB '[A-Z]*'").ok);
  EXPECT_FALSE(value("other_column > 0").ok);
  EXPECT_FALSE(value("title COLLATE NOCASE = 'x'").ok);
  EXPECT_FALSE(value("code = 'x'").ok);  // declared COLLATE NOCASE
  EXPECT_TRUE(value("code COLLATE BINARY = 'x'").ok);
  EXPECT_FALSE(value("price > ?").ok);
  EXPECT_EQ(check("title = 5"), "(\"Title\" = '5')");  // SQLite gives 5 the column's TEXT affinity
  EXPECT_EQ(check("-5 <> title"), "('-5' <> \"Title\")");
  EXPECT_FALSE(value("lower(title) = 5").ok);  // no affinity: text and integer never compare equal in SQLite
  EXPECT_FALSE(value("title = 1.5").ok);
  EXPECT_FALSE(value("born > '2020-01-01'").ok);
  EXPECT_FALSE(value("data = '{}'").ok);
  EXPECT_FALSE(value("ratio || 'x'").ok);
  EXPECT_FALSE(value("is_admin || 'x'").ok);
  EXPECT_FALSE(value("data -> 'a'").ok);
  EXPECT_EQ(check("status < 'b'"), "(CAST(\"status\" AS text) COLLATE \"C\" < 'b')");
  EXPECT_FALSE(value("(qty, qty) = (1, 2)").ok);
  EXPECT_FALSE(value("title = ").ok);
}

TEST(ExprTranslate, ReadsDoubleQuotedStringsAsSqliteDoes) {
  EXPECT_EQ(check("title = \"x\""), "(\"Title\" = 'x')");
  EXPECT_EQ(check("\"title\" = 'x'"), "(\"Title\" = 'x')");
}

TEST(ExprTranslate, TranslatesDefaults) {
  // text SQLite's numeric affinity stores as a number, in a column PostgreSQL types as text: an
  // integer's digits, a REAL refused (its text is SQLite's spelling); TEXT affinity keeps the text
  EXPECT_EQ(default_for("'+1'", "text", Affinity::Numeric).sql, "'1'");
  EXPECT_EQ(default_for("' 007\n'", "text", Affinity::Integer).sql, "'7'");
  EXPECT_EQ(default_for("'2.0'", "text", Affinity::Numeric).sql, "'2'");
  EXPECT_FALSE(default_for("'1.50'", "text", Affinity::Numeric).ok);
  EXPECT_FALSE(default_for("'-9223372036854775809'", "text", Affinity::Numeric).ok);
  EXPECT_FALSE(default_for("'5'", "text", Affinity::Real).ok);
  EXPECT_EQ(default_for("'+1'", "text", Affinity::Text).sql, "'+1'");
  EXPECT_EQ(default_for("'+1'", "text", Affinity::Blob).sql, "'+1'");
  EXPECT_EQ(default_for("'0x10'", "text", Affinity::Numeric).sql, "'0x10'");
  EXPECT_EQ(default_for("'abc'", "text", Affinity::Numeric).sql, "'abc'");
  EXPECT_EQ(default_for("(1)", "boolean").sql, "true");
  EXPECT_EQ(default_for("'0'", "boolean").sql, "false");
  EXPECT_FALSE(default_for("2", "boolean").ok);
  EXPECT_EQ(default_for("CURRENT_TIMESTAMP", "timestamp").sql, "timezone('utc', now())");
  EXPECT_EQ(default_for("(CURRENT_TIMESTAMP)", "timestamptz").sql, "now()");
  EXPECT_EQ(default_for("datetime('now')", "text").sql, "to_char(timezone('utc', now()), 'YYYY-MM-DD HH24:MI:SS')");
  EXPECT_EQ(default_for("CURRENT_DATE", "date").sql, "(timezone('utc', now()))::date");
  EXPECT_TRUE(default_for("NULL", "text").sql.empty());
  EXPECT_EQ(default_for("\"quoted\"", "text").sql, "'quoted'");
  EXPECT_EQ(default_for("-1", "integer").sql, "(-1)");
  EXPECT_EQ(default_for("0xFFFFFFFFFFFFFFFF", "bigint").sql, "(-1)");
  EXPECT_FALSE(default_for("hex(randomblob(4))", "text").ok);
  EXPECT_FALSE(default_for("datetime('now', 'localtime')", "timestamp").ok);
}

// A constant default PostgreSQL would read otherwise into the column's type is refused, as the
// value would be in a row: a zone, a time of day or a date dropped, digits rounded.
TEST(ExprTranslate, RefusesDefaultsTheColumnTypeWouldChange) {
  EXPECT_FALSE(default_for("'2000-01-01 00:00:00+05:00'", "timestamp").ok);
  EXPECT_EQ(default_for("'2000-01-01 00:00:00+05:00'", "timestamptz").sql, "'2000-01-01 00:00:00+05:00'");
  EXPECT_EQ(default_for("'2000-01-01T10:00:00.5'", "timestamp").sql, "'2000-01-01T10:00:00.5'");
  EXPECT_FALSE(default_for("'2000-01-01 10:00:00.1234567'", "timestamp(6)").ok);
  EXPECT_FALSE(default_for("'2000-01-01 10:00'", "date").ok);
  EXPECT_EQ(default_for("'2000-01-01'", "date").sql, "'2000-01-01'");
  EXPECT_FALSE(default_for("'2000-01-01 10:00'", "time").ok);
  EXPECT_FALSE(default_for("1.55", "numeric(5,1)").ok);
  EXPECT_EQ(default_for("'2.5'", "numeric(5,1)").sql, "'2.5'");
  EXPECT_EQ(default_for("1.55", "numeric").sql, "1.55");
  EXPECT_FALSE(default_for("3.7", "integer").ok);
  EXPECT_EQ(default_for("4", "integer").sql, "4");
  EXPECT_EQ(default_for("'not a date'", "text").sql, "'not a date'");
  // what SQLite stores for a blob, an infinity, a REAL in a text column is not what the literal
  // becomes in PostgreSQL
  EXPECT_FALSE(default_for("X'F09F9880'", "text").ok);
  EXPECT_TRUE(default_for("X'00'", "bytea").ok);
  EXPECT_EQ(default_for("9e999", "double precision").sql, "'Infinity'");
  EXPECT_EQ(default_for("'-1e400'", "double precision").sql, "'-Infinity'");
  EXPECT_FALSE(default_for("9e999", "bigint").ok);
  EXPECT_FALSE(default_for("1e20", "text").ok);
  EXPECT_FALSE(default_for("1.50", "varchar(10)").ok);
  EXPECT_EQ(default_for("0", "text").sql, "0");
  EXPECT_FALSE(default_for("-9e999", "smallint").ok);
  EXPECT_FALSE(default_for("-1.5", "text").ok);
  EXPECT_EQ(default_for("-1", "text").sql, "(-1)");
  EXPECT_FALSE(default_for("'abcd'", "varchar(3)").ok);
  // a number that is not a 64-bit integer is a REAL to SQLite: its value is the double's
  EXPECT_EQ(default_for("5.821416717591634e+16", "bigint").sql, "58214167175916336");
  EXPECT_EQ(default_for("0.1000000000000000055511", "numeric").sql, "0.1");
  EXPECT_EQ(default_for("-2.0", "integer").sql, "(-2.0)");
  EXPECT_FALSE(default_for("1e+308", "integer").ok);
  EXPECT_FALSE(default_for("3.333333333333333e+99", "smallint").ok);
  EXPECT_FALSE(default_for("40000", "smallint").ok);
  EXPECT_FALSE(default_for("1e+308", "numeric(5,0)").ok);
  EXPECT_FALSE(default_for("'Infinity'", "numeric(10,2)").ok);
  EXPECT_FALSE(default_for("' inf '", "numeric(10,2)").ok);
  EXPECT_FALSE(default_for("'1 '", "char(3)").ok);
  EXPECT_FALSE(default_for("'20240101'", "timestamptz").ok);
  EXPECT_FALSE(default_for("'now'", "timestamp").ok);
  EXPECT_FALSE(default_for("-0.0", "double precision").ok);
  EXPECT_FALSE(default_for("'-0.0'", "real").ok);
  // below the smallest double: SQLite stores 0.0, PostgreSQL refuses to read the literal
  EXPECT_EQ(default_for("1e-400", "double precision").sql, "0");
  EXPECT_EQ(default_for("'1e-400'", "real").sql, "0");
  EXPECT_EQ(default_for("1e-400", "integer").sql, "0");
  EXPECT_EQ(default_for("0.0e-400", "double precision").sql, "0.0e-400");
  EXPECT_FALSE(default_for("'0x10'", "double precision").ok);
  EXPECT_EQ(default_for("' NaN '", "double precision").sql, "' NaN '");
  EXPECT_EQ(default_for("'9223372036854775808'", "double precision").sql, "9223372036854775808");
  EXPECT_FALSE(default_for("'9223372036854775808'", "numeric").ok);  // a REAL to SQLite, beyond 2^53
  EXPECT_FALSE(default_for("'1e400'", "numeric").ok);
  EXPECT_EQ(default_for("' 12 '", "integer").sql, "' 12 '");
  EXPECT_EQ(default_for("'0.00'", "numeric(12,2)").sql, "'0.00'");
  EXPECT_EQ(default_for("1.50", "numeric").sql, "1.50");
  EXPECT_EQ(default_for("'1 '", "json").sql, "'1'");
  EXPECT_EQ(default_for("'7\n'", "json").sql, "'7'");
  EXPECT_FALSE(default_for("7", "bytea").ok);  // SQLite keeps the number; PostgreSQL refused the default
  EXPECT_FALSE(default_for("-1.5", "bytea").ok);  // SQLite skips any blank around a number
  EXPECT_EQ(default_for("'\t-5\r\n'", "json").sql, "'-5'");
  // a number beyond a double is an infinite REAL to SQLite, which JSON cannot hold: the row
  // holding it is rejected, and the default is not kept (values_diff seed 64, example 141)
  EXPECT_FALSE(default_for("'-1e400'", "json").ok);
  EXPECT_FALSE(default_for("1e400", "json").ok);
  EXPECT_FALSE(default_for("-1e400", "jsonb").ok);
  EXPECT_EQ(default_for("'1e300'", "json").sql, "'1e+300'");
  EXPECT_FALSE(default_for("2.2479026791991795e17", "numeric").ok);
  EXPECT_EQ(default_for("2.2479026791991795e17", "bigint").sql, "224790267919917952");
  EXPECT_EQ(default_for("'-inf'", "numeric").sql, "'-inf'");
  EXPECT_FALSE(default_for("84721773615186945", "char(3)").ok);
  EXPECT_EQ(default_for("'été'", "char(3)").sql, "'été'");
  EXPECT_EQ(default_for("1e20", "double precision").sql, "1e20");
}

TEST(ExprTranslate, RecognisesEnumChecks) {
  std::string column;
  std::vector<std::string> labels;
  ASSERT_TRUE(enum_check(tokenize_sql("(status IN ('a', 'b''c'))"), &column, &labels));
  EXPECT_EQ(column, "status");
  EXPECT_EQ(labels, (std::vector<std::string>{"a", "b'c"}));
  ASSERT_TRUE(enum_check(tokenize_sql("status IN ('a', 'a', 'b')"), &column, &labels));
  EXPECT_EQ(labels, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(enum_check(tokenize_sql("status IN ('a', 1)"), &column, &labels));
  EXPECT_FALSE(enum_check(tokenize_sql("status = 'a'"), &column, &labels));
}
