// Framework detection and Django's spellings: names checked against Django 3.2's own
// _create_index_name (computed by it when this test was written), types against its backends.
#include <gtest/gtest.h>

#include "core/framework.hpp"
#include "core/md5.hpp"
#include "core/sql_tokenizer.hpp"

namespace hangar {
namespace {

TEST(Md5, KnownDigests) {
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5_hex("The quick brown fox jumps over the lazy dog"), "9e107d9d372bb6826bd81d3542a419d6");
  EXPECT_EQ(md5_hex(std::string(1000, 'x')), "398533d48111e9f664b1f64cb10c4b63");  // several blocks
}

TEST(Framework, DetectedFromItsBookkeepingTable) {
  std::string evidence;
  EXPECT_EQ(detect_framework({"users", "django_migrations"}, &evidence), Framework::Django);
  EXPECT_EQ(evidence, "django_migrations");
  EXPECT_EQ(detect_framework({"alembic_version", "items"}, &evidence), Framework::Alembic);
  EXPECT_EQ(detect_framework({"schema_migrations", "ar_internal_metadata"}, &evidence), Framework::Rails);
  EXPECT_EQ(detect_framework({"schema_migrations"}, &evidence), Framework::None);  // not Rails alone
  EXPECT_EQ(detect_framework({"_prisma_migrations"}, &evidence), Framework::Prisma);
  EXPECT_EQ(detect_framework({"users"}, &evidence), Framework::None);
  Framework f;
  EXPECT_TRUE(parse_framework("django", &f));
  EXPECT_EQ(f, Framework::Django);
  EXPECT_FALSE(parse_framework("rails", &f));
  EXPECT_FALSE(parse_framework("Django", &f));
}

TEST(Framework, DjangoTypes) {
  EXPECT_EQ(django_pg_type("datetime"), "timestamp with time zone");
  EXPECT_EQ(django_pg_type("char(32)"), "uuid");
  EXPECT_EQ(django_pg_type("char(39)"), "inet");
  EXPECT_EQ(django_pg_type("integer unsigned"), "integer");
  EXPECT_EQ(django_pg_type("smallint unsigned"), "smallint");
  EXPECT_EQ(django_pg_type("decimal"), "numeric");
  EXPECT_FALSE(django_pg_type("varchar(32)"));
  EXPECT_FALSE(django_pg_type("char(33)"));
}

TEST(Framework, DjangoJsonCheck) {
  std::string column;
  EXPECT_TRUE(django_json_check(tokenize_sql("(JSON_VALID(\"data\") OR \"data\" IS NULL)"), &column));
  EXPECT_EQ(column, "data");
  EXPECT_TRUE(django_json_check(tokenize_sql("JSON_VALID(meta) OR meta IS NULL"), &column));
  EXPECT_FALSE(django_json_check(tokenize_sql("JSON_VALID(a) OR b IS NULL"), &column));
  EXPECT_FALSE(django_json_check(tokenize_sql("JSON_VALID(a)"), &column));
}

TEST(Framework, DjangoIndexNames) {
  EXPECT_EQ(django_index_name("auth_user", {"username"}, "_like", 63), "auth_user_username_6821ab7c_like");
  EXPECT_EQ(django_index_name("shop_order", {"customer_id", "placed_at"}, "_uniq", 63),
            "shop_order_customer_id_placed_at_b64657ab_uniq");
  const std::string table = "a_very_long_application_name_with_a_very_long_model_name_here";
  EXPECT_EQ(django_index_name(table, {"some_rather_long_column_name", "another_column"}, "_uniq", 63),
            "a_very_long_application__some_rather_long_column__74629501_uniq");
  EXPECT_EQ(django_index_name(table, {"some_rather_long_column_name", "another_column"}, "_uniq", 200),
            table + "_some_rather_long_column_name_another_column_74629501_uniq");
  EXPECT_EQ(django_index_name("shop_item", {"category_id"}, "_fk_shop_category_id", 63),
            "shop_item_category_id_cfe8abac_fk_shop_category_id");
  EXPECT_EQ(django_index_name("9table", {std::string(80, 'x')}, "", 63), "D9table_xxxxxxxxxxxxxxxxxxxxxxxxxx_907b316");
}

}  // namespace
}  // namespace hangar
