// Unit tests of core/migration_planner on a catalog read from a real SQLite file: the plan from the
// DDL text and the plan from SQLite's catalog facts alone (a CREATE TABLE text the parser cannot
// read) must agree on columns, keys, uniques and foreign keys; only what the text alone says (CHECKs,
// constraint names) is missing from the second.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/migration_planner.hpp"
#include "temp_database.hpp"
#include "test_quoter.hpp"

using namespace hangar;

namespace {

TestQuoter quote;

class PlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Database db = file_.open_writable();
    db.exec(
        "CREATE TABLE owners (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL CONSTRAINT owners_email UNIQUE,"
        " age INT CONSTRAINT adult CHECK (age >= 18));"
        "CREATE TABLE pets (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL CONSTRAINT pets_owner"
        " REFERENCES owners(id) ON DELETE CASCADE, name VARCHAR(40) DEFAULT 'rex');"
        "CREATE INDEX pets_by_name ON pets (name);"
        "INSERT INTO owners (email, age) VALUES ('a@x', 30);");
  }

  SourceCatalog read() const {
    Database::OpenOptions read_only;
    Database db(file_.path(), read_only);
    return read_source_catalog(db);
  }

  TempDatabase file_;
};

// All the plan's SQL for one phase, one statement a line.
std::string phase_sql(const MigrationPlan &plan, Phase phase) {
  std::string out;
  for (const PlanStep &step : plan.steps)
    if (step.phase == phase) out += step.sql + "\n";
  return out;
}

// Forgets the DDL text as the catalog does when it does not parse.
void forget_ddl(SourceTable &table) {
  table.ddl = TableDefinition();
  table.ddl.name = table.table.name;
  table.ddl_read = false;
  table.primary_key_name.clear();
  for (UniqueFact &u : table.uniques) u.name.clear();
  for (ForeignKeyFact &fk : table.foreign_keys) fk.name.clear();
}

TEST_F(PlannerTest, FactsAloneGiveTheSameStructure) {
  SourceCatalog from_text = read();
  SourceCatalog from_facts = read();
  for (SourceTable &t : from_facts.tables) forget_ddl(t);

  MigrationOptions options;
  options.target_schema = "app";
  MigrationPlan text_plan = plan_migration(from_text, options, quote);
  MigrationPlan facts_plan = plan_migration(from_facts, options, quote);

  ASSERT_EQ(text_plan.tables.size(), facts_plan.tables.size());
  for (size_t i = 0; i < text_plan.tables.size(); ++i) {
    const PlannedTable &a = text_plan.tables[i], &b = facts_plan.tables[i];
    EXPECT_EQ(a.pg_name, b.pg_name);
    ASSERT_EQ(a.columns.size(), b.columns.size());
    for (size_t c = 0; c < a.columns.size(); ++c) {
      EXPECT_EQ(a.columns[c].pg_name, b.columns[c].pg_name);
      EXPECT_EQ(a.columns[c].pg_type, b.columns[c].pg_type) << a.pg_name << "." << a.columns[c].pg_name;
    }
    EXPECT_EQ(a.rowid_alias, b.rowid_alias);
    EXPECT_EQ(a.foreign_keys.size(), b.foreign_keys.size());
  }
  // Parents first either way.
  EXPECT_EQ(facts_plan.tables[0].sqlite_name, "owners");
  EXPECT_EQ(facts_plan.tables[1].sqlite_name, "pets");

  const std::string keys = phase_sql(facts_plan, Phase::Keys);
  EXPECT_NE(keys.find("PRIMARY KEY (\"id\")"), std::string::npos) << keys;
  EXPECT_NE(keys.find("UNIQUE (\"email\")"), std::string::npos) << keys;
  const std::string fks = phase_sql(facts_plan, Phase::ForeignKeys);
  EXPECT_NE(fks.find("REFERENCES \"app\".\"owners\" (\"id\")"), std::string::npos) << fks;
  EXPECT_NE(fks.find("ON DELETE CASCADE"), std::string::npos) << fks;
  EXPECT_NE(phase_sql(facts_plan, Phase::Indexes).find("pets_by_name"), std::string::npos);
  EXPECT_NE(phase_sql(facts_plan, Phase::Defaults).find("'rex'"), std::string::npos);
  EXPECT_NE(phase_sql(facts_plan, Phase::Sequences).find("owners"), std::string::npos);

  // What only the text says: the CHECK and the constraint names.
  EXPECT_NE(phase_sql(text_plan, Phase::Checks).find("\"adult\""), std::string::npos);
  EXPECT_EQ(phase_sql(facts_plan, Phase::Checks).find("age"), std::string::npos);
  EXPECT_NE(phase_sql(text_plan, Phase::ForeignKeys).find("\"pets_owner\""), std::string::npos);
  EXPECT_EQ(phase_sql(facts_plan, Phase::ForeignKeys).find("pets_owner"), std::string::npos);
}

TEST_F(PlannerTest, PrimaryKeyColumnsInKeyOrder) {
  {
    Database db = file_.open_writable();
    db.exec("CREATE TABLE pairs (a INT, b TEXT, note TEXT, PRIMARY KEY (b, a));"
            "CREATE TABLE loose (k TEXT PRIMARY KEY, v);"
            "INSERT INTO loose VALUES (NULL, 1);");  // a rowid table's key may hold NULL: UNIQUE
  }
  MigrationPlan plan = plan_migration(read(), MigrationOptions(), quote);
  std::map<std::string, std::vector<size_t>> keys;
  for (const PlannedTable &t : plan.tables) keys[t.sqlite_name] = t.primary_key;
  EXPECT_EQ(keys["owners"], (std::vector<size_t>{0}));
  EXPECT_EQ(keys["pairs"], (std::vector<size_t>{1, 0}));
  EXPECT_TRUE(keys["loose"].empty());
  EXPECT_NE(phase_sql(plan, Phase::Keys).find("UNIQUE (\"k\")"), std::string::npos);
}

// Each key step names its columns, so reject mode can find the rows that repeat a key.
TEST_F(PlannerTest, KeyStepsNameTheirColumns) {
  {
    Database db = file_.open_writable();
    db.exec("CREATE TABLE pairs (a INT, b TEXT, c TEXT UNIQUE, PRIMARY KEY (b, a), UNIQUE (c, a));"
            "CREATE TABLE loose (k TEXT PRIMARY KEY, v);"
            "INSERT INTO loose VALUES (NULL, 1);");
  }
  MigrationPlan plan = plan_migration(read(), MigrationOptions(), quote);
  std::map<std::string, std::vector<std::vector<size_t>>> keys;
  for (const PlanStep &step : plan.steps)
    if (step.phase == Phase::Keys)
      keys[plan.tables[static_cast<size_t>(step.table)].sqlite_name].push_back(step.key_columns);
  EXPECT_EQ(keys["pairs"], (std::vector<std::vector<size_t>>{{1, 0}, {2}, {2, 0}}));
  EXPECT_EQ(keys["loose"], (std::vector<std::vector<size_t>>{{0}}));  // the UNIQUE standing for the key
}

// SQLite's ids are 64-bit: a key whose ids are beyond integer is bigint, unless a type is given.
TEST_F(PlannerTest, KeyWidenedForTheIdsSqliteUsed) {
  {
    Database db = file_.open_writable();
    db.exec("CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO big VALUES (3000000000, 'x');");
  }
  std::map<std::string, std::string> types;
  for (const PlannedTable &t : plan_migration(read(), MigrationOptions(), quote).tables)
    if (t.rowid_alias >= 0) types[t.sqlite_name] = t.columns[static_cast<size_t>(t.rowid_alias)].pg_type;
  EXPECT_EQ(types["big"], "bigint");
  EXPECT_EQ(types["owners"], "integer");
  MigrationOptions given;
  given.column_types["big.id"] = "integer";
  for (const PlannedTable &t : plan_migration(read(), given, quote).tables)
    if (t.sqlite_name == "big") {
      EXPECT_EQ(t.columns[0].pg_type, "integer");
    }
}

// Where each step of the two tables is, as "phase table" in order.
std::vector<std::string> step_order(const MigrationPlan &plan) {
  std::vector<std::string> out;
  for (const PlanStep &step : plan.steps)
    if (step.phase == Phase::Copy || step.phase == Phase::Keys || step.phase == Phase::ForeignKeys)
      out.push_back(std::string(phase_name(step.phase)) + " " + plan.tables[static_cast<size_t>(step.table)].sqlite_name);
  return out;
}

TEST_F(PlannerTest, ForeignKeysCheckedInCopyMoveBeforeTheChildsCopy) {
  SourceCatalog catalog = read();
  MigrationOptions options;
  MigrationPlan after_data = plan_migration(catalog, options, quote);
  EXPECT_EQ(step_order(after_data),
            (std::vector<std::string>{"copy owners", "copy pets", "key owners", "key owners", "key pets",
                                      "foreign key pets"}));
  EXPECT_FALSE(after_data.tables[1].foreign_keys[0].in_copy);

  options.foreign_keys_in_copy = true;
  MigrationPlan in_copy = plan_migration(catalog, options, quote);
  // The parent's primary key right after its copy, the foreign key before the child's copy; the
  // UNIQUE key and the child's own key stay after every copy. Same statements, same count.
  EXPECT_EQ(step_order(in_copy),
            (std::vector<std::string>{"copy owners", "key owners", "foreign key pets", "copy pets", "key owners",
                                      "key pets"}));
  EXPECT_TRUE(in_copy.tables[1].foreign_keys[0].in_copy);
  ASSERT_EQ(in_copy.steps.size(), after_data.steps.size());
  for (const PlanStep &step : in_copy.steps)
    if (step.phase == Phase::Copy && step.table == 1) {
      EXPECT_NE(step.sql.find(", checking foreign key \"pets_owner\" row by row"), std::string::npos) << step.sql;
    }
}

}  // namespace
