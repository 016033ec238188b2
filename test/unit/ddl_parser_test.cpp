// Unit tests of core/sql_tokenizer and core/ddl_parser on the DDL SQLite stores for tables
// created by SQLAlchemy, Alembic batch mode, ALTER TABLE ADD COLUMN and hand-written SQL.
#include <gtest/gtest.h>

#include "core/ddl_parser.hpp"
#include "core/error.hpp"

using namespace hangar;

TEST(Tokenizer, ReadsEveryQuotingStyle) {
  auto t = tokenize_sql("SELECT \"a\"\"b\", [c d], `e`, 'it''s', X'00ff', 1.5e3, ?1 -- comment\n/* more */ ||");
  ASSERT_EQ(t.size(), 15u);
  EXPECT_EQ(t[1].kind, TokenKind::QuotedIdentifier);
  EXPECT_EQ(t[1].value, "a\"b");
  EXPECT_EQ(t[3].value, "c d");
  EXPECT_EQ(t[5].value, "e");
  EXPECT_EQ(t[7].kind, TokenKind::String);
  EXPECT_EQ(t[7].value, "it's");
  EXPECT_EQ(t[9].kind, TokenKind::Blob);
  EXPECT_EQ(t[9].value, "00ff");
  EXPECT_EQ(t[11].kind, TokenKind::Number);
  EXPECT_EQ(t[13].kind, TokenKind::Parameter);
  EXPECT_TRUE(t[14].is("||"));
  EXPECT_THROW(tokenize_sql("'unterminated"), Error);
  EXPECT_THROW(tokenize_sql("/* open"), Error);
}

TEST(CreateTable, ReadsSqlalchemyOutput) {
  TableDefinition t = parse_create_table(R"(CREATE TABLE users (
	id INTEGER NOT NULL, 
	email VARCHAR(120) NOT NULL, 
	status VARCHAR(8) DEFAULT 'active' NOT NULL, 
	is_admin BOOLEAN DEFAULT (0) NOT NULL, 
	created_at DATETIME DEFAULT (CURRENT_TIMESTAMP), 
	CONSTRAINT pk_users PRIMARY KEY (id), 
	UNIQUE (email), 
	CONSTRAINT user_status CHECK (status IN ('active', 'banned'))
))");
  EXPECT_EQ(t.name, "users");
  ASSERT_EQ(t.columns.size(), 5u);
  EXPECT_EQ(t.columns[1].type, "VARCHAR(120)");
  EXPECT_EQ(tokens_text(t.columns[2].default_value), "'active'");
  EXPECT_EQ(tokens_text(t.columns[3].default_value), "0");
  EXPECT_EQ(tokens_text(t.columns[4].default_value), "CURRENT_TIMESTAMP");
  ASSERT_EQ(t.constraints.size(), 3u);
  EXPECT_EQ(t.constraints[0].kind, ConstraintKind::PrimaryKey);
  EXPECT_EQ(t.constraints[0].name, "pk_users");
  EXPECT_EQ(t.constraints[1].kind, ConstraintKind::Unique);
  EXPECT_EQ(t.constraints[1].name, "");
  EXPECT_EQ(t.constraints[1].columns, std::vector<std::string>{"email"});
  EXPECT_EQ(t.constraints[2].kind, ConstraintKind::Check);
  EXPECT_EQ(t.constraints[2].name, "user_status");
  EXPECT_EQ(tokens_text(t.constraints[2].check), "status IN ('active', 'banned')");
}

TEST(CreateTable, ReadsColumnConstraintsAndForeignKeys) {
  TableDefinition t = parse_create_table(
      "CREATE TABLE IF NOT EXISTS main.\"Order Items\" ("
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
      "  order_id INTEGER CONSTRAINT fk_order REFERENCES orders(id) ON DELETE CASCADE ON UPDATE SET NULL"
      "    DEFERRABLE INITIALLY DEFERRED,"
      "  parent_id INT REFERENCES \"Order Items\","
      "  code TEXT COLLATE nocase UNIQUE ON CONFLICT REPLACE,"
      "  qty INTEGER CHECK (qty > 0) DEFAULT -1,"
      "  total REAL GENERATED ALWAYS AS (qty * 2.5) STORED,"
      "  half REAL AS (total / 2),"
      "  FOREIGN KEY (code, qty) REFERENCES other (a, b) MATCH SIMPLE ON DELETE RESTRICT NOT DEFERRABLE"
      ") WITHOUT ROWID, STRICT");
  EXPECT_EQ(t.name, "Order Items");
  EXPECT_TRUE(t.without_rowid);
  EXPECT_TRUE(t.strict);
  ASSERT_EQ(t.columns.size(), 7u);
  EXPECT_TRUE(t.columns[0].autoincrement);
  EXPECT_EQ(t.columns[3].collation, "NOCASE");
  EXPECT_EQ(tokens_text(t.columns[4].default_value), "-1");
  EXPECT_EQ(tokens_text(t.columns[5].generated), "qty * 2.5");
  EXPECT_TRUE(t.columns[5].generated_stored);
  EXPECT_FALSE(t.columns[6].generated_stored);
  ASSERT_EQ(t.constraints.size(), 6u);
  const TableConstraint &fk = t.constraints[1];
  EXPECT_EQ(fk.kind, ConstraintKind::ForeignKey);
  EXPECT_EQ(fk.name, "fk_order");
  EXPECT_EQ(fk.references.parent_table, "orders");
  EXPECT_EQ(fk.references.on_delete, "CASCADE");
  EXPECT_EQ(fk.references.on_update, "SET NULL");
  EXPECT_TRUE(fk.references.deferrable);
  EXPECT_TRUE(fk.references.initially_deferred);
  EXPECT_TRUE(t.constraints[2].references.parent_columns.empty());
  EXPECT_EQ(t.constraints[3].kind, ConstraintKind::Unique);
  EXPECT_EQ(t.constraints[4].kind, ConstraintKind::Check);
  const TableConstraint &composite = t.constraints[5];
  EXPECT_EQ(composite.columns, (std::vector<std::string>{"code", "qty"}));
  EXPECT_EQ(composite.references.parent_columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(composite.references.on_delete, "RESTRICT");
  EXPECT_FALSE(composite.references.deferrable);
}

TEST(CreateTable, ReadsTypesWithSpacesAndNoType) {
  TableDefinition t = parse_create_table("CREATE TABLE t (a UNSIGNED BIG INT, b NUMERIC ( 12 , 2 ), c, [select] TEXT)");
  ASSERT_EQ(t.columns.size(), 4u);
  EXPECT_EQ(t.columns[0].type, "UNSIGNED BIG INT");
  EXPECT_EQ(t.columns[1].type, "NUMERIC(12, 2)");
  EXPECT_EQ(t.columns[2].type, "");
  EXPECT_EQ(t.columns[3].name, "select");
}

TEST(CreateIndex, ReadsTermsAndPartialConditions) {
  IndexDefinition i = parse_create_index(
      "CREATE UNIQUE INDEX ix_users_email ON users (lower(email) COLLATE NOCASE DESC, id) WHERE deleted_at IS NULL");
  EXPECT_TRUE(i.unique);
  EXPECT_EQ(i.name, "ix_users_email");
  EXPECT_EQ(i.table, "users");
  ASSERT_EQ(i.terms.size(), 2u);
  EXPECT_EQ(tokens_text(i.terms[0].expression), "lower(email)");
  EXPECT_EQ(i.terms[0].collation, "NOCASE");
  EXPECT_TRUE(i.terms[0].descending);
  EXPECT_EQ(i.terms[1].column, "id");
  EXPECT_EQ(tokens_text(i.where), "deleted_at IS NULL");
}

TEST(CreateTable, RefusesGarbage) {
  EXPECT_THROW(parse_create_table("CREATE VIEW v AS SELECT 1"), Error);
  EXPECT_THROW(parse_create_table("CREATE TABLE t (a INTEGER PRIMARY)"), Error);
}

// A sign stays with its operand in the text the detail names and the export writes ("< -50",
// not "< - 50"), an operator between two operands keeps its spaces, and two minus signs never
// touch (that would begin a comment).
TEST(TokensText, KeepsSignsWithTheirOperands) {
  auto text = [](const char *sql) { return tokens_text(tokenize_sql(sql)); };
  EXPECT_EQ(text("NOT (price < -50)"), "NOT (price < -50)");
  EXPECT_EQ(text("price - 50 > +1"), "price - 50 > +1");
  EXPECT_EQ(text("a - -1"), "a - -1");
  EXPECT_EQ(text("- - 1"), "- -1");
  EXPECT_EQ(text("x IN (-1, -2) AND y = -(z)"), "x IN (-1, -2) AND y = -(z)");
  EXPECT_EQ(text("CASE WHEN a THEN -1 ELSE - b END"), "CASE WHEN a THEN -1 ELSE -b END");
  EXPECT_EQ(text("f(x) - 1"), "f(x) - 1");
}
