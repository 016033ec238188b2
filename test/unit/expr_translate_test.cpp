// Unit tests of core/expr_translate with a stand-in for PostgreSQL's quoting: what translates,
// how, and what is refused.
#include <gtest/gtest.h>

#include <map>

#include "core/expr_translate.hpp"

using namespace hangar;

namespace {

class TestQuoter : public PgQuoter {
 public:
  std::string ident(std::string_view name) const override {
    std::string out = "\"";
    for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  }
  std::string literal(std::string_view text) const override {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }
};

const std::map<std::string, ResolvedColumn> kColumns = {
    {"price", {"price", "numeric(12,2)"}}, {"is_admin", {"is_admin", "boolean"}}, {"title", {"Title", "text"}}};

const ResolvedColumn *lookup(const std::string &name) {
  for (const auto &[key, column] : kColumns)
    if (strcasecmp(key.c_str(), name.c_str()) == 0) return &column;
  return nullptr;
}

TestQuoter quote;

Translation check(const char *sql) { return translate_expression(tokenize_sql(sql), lookup, quote); }
Translation default_for(const char *sql, const char *type) { return translate_default(tokenize_sql(sql), type, lookup, quote); }

}  // namespace

TEST(ExprTranslate, MapsNamesOperatorsAndFunctions) {
  EXPECT_EQ(check("PRICE >= 0").sql, "\"price\" >= 0");
  EXPECT_EQ(check("trim(title) <> ''").sql, "btrim(\"Title\") <> ''");
  EXPECT_EQ(check("ifnull(price, 0) == 1").sql, "coalesce(\"price\", 0) = 1");
  EXPECT_EQ(check("price IS NOT NULL").sql, "\"price\" IS NOT NULL");
  EXPECT_EQ(check("price IS 5").sql, "\"price\" IS NOT DISTINCT FROM 5");
  EXPECT_EQ(check("price IS NOT 5").sql, "\"price\" IS DISTINCT FROM 5");
  EXPECT_EQ(check("CAST(title AS INTEGER) > 0x10").sql, "CAST(\"Title\" AS integer) > 16");
  EXPECT_EQ(check("title = 'it''s'").sql, "\"Title\" = 'it''s'");
}

TEST(ExprTranslate, ComparesBooleansWithBooleans) {
  EXPECT_EQ(check("is_admin = 1 AND price > 1").sql, "\"is_admin\" = true AND \"price\" > 1");
  EXPECT_EQ(check("is_admin IN (0, 1)").sql, "\"is_admin\" IN (false, true)");
  std::string column;
  EXPECT_TRUE(boolean_check(tokenize_sql("is_admin IN (0, 1)"), &column));
  EXPECT_EQ(column, "is_admin");
  EXPECT_FALSE(boolean_check(tokenize_sql("is_admin IN (0, 2)"), &column));
}

TEST(ExprTranslate, RefusesWhatMeansSomethingElse) {
  EXPECT_FALSE(check("title LIKE 'a%'").ok);
  EXPECT_FALSE(check("title GLOB '[A-Z]*'").ok);
  EXPECT_FALSE(check("typeof(price) = 'real'").ok);
  EXPECT_FALSE(check("other_column > 0").ok);
  EXPECT_FALSE(check("title COLLATE NOCASE = 'x'").ok);
  EXPECT_FALSE(check("price > ?").ok);
  EXPECT_TRUE(check("title COLLATE BINARY = 'x'").ok);
}

TEST(ExprTranslate, TranslatesDefaults) {
  EXPECT_EQ(default_for("(1)", "boolean").sql, "true");
  EXPECT_EQ(default_for("'0'", "boolean").sql, "false");
  EXPECT_FALSE(default_for("2", "boolean").ok);
  EXPECT_EQ(default_for("CURRENT_TIMESTAMP", "timestamp").sql, "timezone('utc', now())");
  EXPECT_EQ(default_for("(CURRENT_TIMESTAMP)", "timestamptz").sql, "now()");
  EXPECT_EQ(default_for("datetime('now')", "text").sql, "to_char(timezone('utc', now()), 'YYYY-MM-DD HH24:MI:SS')");
  EXPECT_EQ(default_for("CURRENT_DATE", "date").sql, "(timezone('utc', now()))::date");
  EXPECT_TRUE(default_for("NULL", "text").sql.empty());
  EXPECT_EQ(default_for("\"quoted\"", "text").sql, "'quoted'");
  EXPECT_EQ(default_for("-1", "integer").sql, "- 1");
  EXPECT_FALSE(default_for("hex(randomblob(4))", "text").ok);
  EXPECT_FALSE(default_for("datetime('now', 'localtime')", "timestamp").ok);
}

TEST(ExprTranslate, RecognisesEnumChecks) {
  std::string column;
  std::vector<std::string> labels;
  ASSERT_TRUE(enum_check(tokenize_sql("(status IN ('a', 'b''c'))"), &column, &labels));
  EXPECT_EQ(column, "status");
  EXPECT_EQ(labels, (std::vector<std::string>{"a", "b'c"}));
  EXPECT_FALSE(enum_check(tokenize_sql("status IN ('a', 1)"), &column, &labels));
  EXPECT_FALSE(enum_check(tokenize_sql("status = 'a'"), &column, &labels));
}

TEST(ExprTranslate, ViewBodiesQuoteEveryName) {
  auto names = [](const std::string &word) -> std::string {
    return strcasecmp(word.c_str(), "users") == 0 ? "\"Users\"" : "";
  };
  Translation t = translate_view_body(tokenize_sql("SELECT u.id AS \"x\"\" ; DROP TABLE y; --\" FROM users u"), names,
                                      lookup, quote);
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.sql, "SELECT u.id AS \"x\"\" ; DROP TABLE y; --\" FROM \"Users\" u");
}
