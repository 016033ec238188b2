// Unit tests of core/type_map and core/pg_names: the declared-type table of README.md, the
// affinity fallback, storage-class typing, and identifier shortening.
#include <gtest/gtest.h>

#include "core/pg_names.hpp"
#include "core/type_map.hpp"

using namespace hangar;

TEST(TypeMap, FollowsTheReadmeTable) {
  const std::pair<const char *, const char *> cases[] = {
      {"INTEGER", "integer"}, {"int", "integer"}, {"BIGINT", "bigint"}, {"SMALLINT", "smallint"},
      {"VARCHAR(120)", "varchar(120)"}, {"varchar", "varchar"}, {"NVARCHAR(5)", "varchar(5)"},
      {"CHARACTER VARYING(9)", "varchar(9)"}, {"CHAR(12)", "char(12)"}, {"TEXT", "text"}, {"CLOB", "text"},
      {"BOOLEAN", "boolean"}, {"BOOL", "boolean"}, {"DATETIME", "timestamp"}, {"TIMESTAMP", "timestamp"},
      {"TIMESTAMP WITH TIME ZONE", "timestamptz"}, {"DATE", "date"}, {"TIME", "time"},
      {"NUMERIC(12, 2)", "numeric(12,2)"}, {"DECIMAL(5,0)", "numeric(5,0)"}, {"NUMERIC", "numeric"},
      {"NUMERIC(10)", "numeric(10)"}, {"REAL", "double precision"}, {"FLOAT", "double precision"},
      {"DOUBLE", "double precision"}, {"DOUBLE PRECISION", "double precision"}, {"FLOAT(24)", "real"},
      {"JSON", "json"}, {"JSONB", "jsonb"}, {"BLOB", "bytea"}, {"UUID", "uuid"},
      {"UNSIGNED BIG INT", "bigint"}, {"  varchar ( 30 ) ", "varchar(30)"}};
  for (const auto &[declared, expected] : cases) {
    TypeMapping m = map_declared_type(declared);
    EXPECT_TRUE(m.known) << declared;
    EXPECT_EQ(m.pg_type, expected) << declared;
  }
}

TEST(TypeMap, FallsBackByAffinityForUnknownTypes) {
  EXPECT_EQ(map_declared_type("MONEYBAGS").pg_type, "numeric");
  EXPECT_FALSE(map_declared_type("MONEYBAGS").known);
  EXPECT_EQ(map_declared_type("STRANGECHAR(3)").pg_type, "text");
  EXPECT_EQ(map_declared_type("BIGFLOAT").pg_type, "double precision");
  EXPECT_EQ(map_declared_type("BLOBBY").pg_type, "bytea");
  EXPECT_EQ(map_declared_type("POINTINT").pg_type, "bigint");  // "INT" wins, as in SQLite
  EXPECT_EQ(map_declared_type("VARCHAR(abc)").pg_type, "varchar");
  EXPECT_TRUE(map_declared_type("").untyped);
}

TEST(TypeMap, AffinityRulesInOrder) {
  EXPECT_EQ(affinity_of("CHARINT"), Affinity::Integer);
  EXPECT_EQ(affinity_of("FLOATING POINT"), Affinity::Integer);  // SQLite's own famous example
  EXPECT_EQ(affinity_of("CLOB"), Affinity::Text);
  EXPECT_EQ(affinity_of(""), Affinity::Blob);
  EXPECT_EQ(affinity_of("DOUBLE"), Affinity::Real);
  EXPECT_EQ(affinity_of("DECIMAL"), Affinity::Numeric);
}

TEST(TypeMap, TypesUntypedColumnsByStoredValues) {
  EXPECT_EQ(pg_type_for_storage_classes({true, false, false, false}), "bigint");
  EXPECT_EQ(pg_type_for_storage_classes({true, true, false, false}), "numeric");
  EXPECT_EQ(pg_type_for_storage_classes({false, true, false, false}), "double precision");
  EXPECT_EQ(pg_type_for_storage_classes({true, false, true, false}), "text");
  EXPECT_EQ(pg_type_for_storage_classes({false, false, false, true}), "bytea");
  EXPECT_EQ(pg_type_for_storage_classes({false, false, false, false}), "text");
}

// CHAR without a length holds any text in SQLite (PostgreSQL's bare char is char(1)); STRICT's
// ANY keeps values as given, like no declared type.
TEST(TypeMap, BareCharAndAny) {
  EXPECT_EQ(map_declared_type("CHAR").pg_type, "text");
  EXPECT_EQ(map_declared_type("NCHAR").pg_type, "text");
  EXPECT_EQ(map_declared_type("CHAR(1)").pg_type, "char(1)");
  EXPECT_TRUE(map_declared_type("ANY").untyped);
  EXPECT_TRUE(map_declared_type("any").untyped);
}

// An unknown type's affinity type must hold what is stored, or the stored values decide.
TEST(TypeMap, AffinityTypeChecksTheStoredValues) {
  StorageClasses blobs{false, false, false, true}, numbers{true, true, false, false}, words{false, false, true, false};
  EXPECT_FALSE(holds_storage_classes("numeric", blobs));  // Anki's BYTES: NUMERIC affinity, blobs stored
  EXPECT_TRUE(holds_storage_classes("numeric", numbers));
  EXPECT_FALSE(holds_storage_classes("bigint", numbers));
  EXPECT_TRUE(holds_storage_classes("text", words));
  EXPECT_FALSE(holds_storage_classes("text", blobs));
  EXPECT_TRUE(holds_storage_classes("bytea", blobs));
}

TEST(PgNames, ShortensLongNamesDeterministically) {
  EXPECT_EQ(pg_identifier("users"), "users");
  std::string a(70, 'a');
  std::string b = std::string(69, 'a') + "b";
  EXPECT_EQ(pg_identifier(a).size(), 63u);
  EXPECT_EQ(pg_identifier(a), pg_identifier(a));
  EXPECT_NE(pg_identifier(a), pg_identifier(b));
  std::string multibyte;
  for (int i = 0; i < 30; ++i) multibyte += "é";  // 60 bytes
  multibyte += "ééé";                               // 66 bytes
  std::string shortened = pg_identifier(multibyte);
  EXPECT_LE(shortened.size(), 63u);
  EXPECT_EQ(shortened.substr(0, 54), multibyte.substr(0, 54));  // cut between characters
}
