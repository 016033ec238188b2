// Unit tests of the exact parsers in core/value_parse: what they accept, what they refuse, and
// that nothing is rounded.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/value_parse.hpp"

using namespace hangar;

TEST(Utf8, AcceptsWellFormedText) {
  size_t bad = 0, chars = 0;
  std::string text = "plain ascii, ünïcødé, ✓ and 😀 beyond the BMP";
  EXPECT_EQ(check_utf8(text.data(), text.size(), &bad, &chars), TextStatus::Ok);
  EXPECT_EQ(chars, 44u);
  EXPECT_EQ(check_utf8("a😀b", 6, &bad, &chars), TextStatus::Ok);
  EXPECT_EQ(chars, 3u);
}

TEST(Utf8, RefusesNulAndMalformedSequences) {
  size_t bad = 99, chars = 0;
  EXPECT_EQ(check_utf8("abc\0def", 7, &bad, &chars), TextStatus::ContainsNul);
  EXPECT_EQ(bad, 3u);
  EXPECT_EQ(check_utf8("A\xc3(", 3, &bad, &chars), TextStatus::InvalidUtf8);
  EXPECT_EQ(bad, 1u);
  EXPECT_EQ(check_utf8("\xc0\xaf", 2, &bad, &chars), TextStatus::InvalidUtf8);          // overlong '/'
  EXPECT_EQ(check_utf8("\xed\xa0\x80", 3, &bad, &chars), TextStatus::InvalidUtf8);      // surrogate
  EXPECT_EQ(check_utf8("\xf4\x90\x80\x80", 4, &bad, &chars), TextStatus::InvalidUtf8);  // past U+10FFFF
  EXPECT_EQ(check_utf8("0123456789\xe2\x9c", 12, &bad, &chars), TextStatus::InvalidUtf8);  // truncated
  EXPECT_EQ(bad, 10u);
}

TEST(Int64, ParsesTheFullRangeAndNothingElse) {
  int64_t v = 0;
  EXPECT_EQ(parse_int64(" 12 ", &v), ParseStatus::Ok);
  EXPECT_EQ(v, 12);
  EXPECT_EQ(parse_int64("-9223372036854775808", &v), ParseStatus::Ok);
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_EQ(parse_int64("9223372036854775807", &v), ParseStatus::Ok);
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_EQ(parse_int64("9223372036854775808", &v), ParseStatus::OutOfRange);
  EXPECT_EQ(parse_int64("1.0", &v), ParseStatus::Invalid);
  EXPECT_EQ(parse_int64("", &v), ParseStatus::Invalid);
  EXPECT_EQ(parse_int64("12abc", &v), ParseStatus::Invalid);
}

TEST(Double, ParsesSpecialValues) {
  double d = 0;
  EXPECT_EQ(parse_double("NaN", &d), ParseStatus::Ok);
  EXPECT_TRUE(std::isnan(d));
  EXPECT_EQ(parse_double("-Infinity", &d), ParseStatus::Ok);
  EXPECT_TRUE(std::isinf(d) && d < 0);
  EXPECT_EQ(parse_double("1e400", &d), ParseStatus::OutOfRange);
  EXPECT_EQ(parse_double("0x10", &d), ParseStatus::Invalid);
  EXPECT_EQ(parse_double(" 2.5 ", &d), ParseStatus::Ok);
  EXPECT_EQ(d, 2.5);
}

TEST(Bool, AcceptsTheDocumentedSpellingsOnly) {
  bool b = false;
  for (const char *t : {"true", "T", "1", " TRUE "}) {
    EXPECT_EQ(parse_bool(t, &b), ParseStatus::Ok) << t;
    EXPECT_TRUE(b);
  }
  for (const char *f : {"false", "f", "0"}) {
    EXPECT_EQ(parse_bool(f, &b), ParseStatus::Ok) << f;
    EXPECT_FALSE(b);
  }
  EXPECT_EQ(parse_bool("yes", &b), ParseStatus::Invalid);
  EXPECT_EQ(parse_bool("2", &b), ParseStatus::Invalid);
}

TEST(Uuid, ParsesDashedAndBareHex) {
  unsigned char bytes[16];
  ASSERT_EQ(parse_uuid("123e4567-e89b-12d3-a456-426614174000", bytes), ParseStatus::Ok);
  EXPECT_EQ(format_uuid(bytes), "123e4567-e89b-12d3-a456-426614174000");
  ASSERT_EQ(parse_uuid("A0EEBC999C0B4EF8BB6D6BB9BD380A11", bytes), ParseStatus::Ok);
  EXPECT_EQ(format_uuid(bytes), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(parse_uuid("123e4567-e89b-12d3-a456_426614174000", bytes), ParseStatus::Invalid);
  EXPECT_EQ(parse_uuid("not-a-uuid", bytes), ParseStatus::Invalid);
}

TEST(Double, ShortestTextRoundTrips) {
  EXPECT_EQ(shortest_double(0.1), "0.1");
  EXPECT_EQ(shortest_double(19.99), "19.99");
  for (double d : {0.1, 1.0 / 3, 1e-300, 5e-324, 1.7976931348623157e308, -0.0, 123456789.125}) {
    double back = 0;
    ASSERT_EQ(parse_double(shortest_double(d), &back), ParseStatus::Ok);
    EXPECT_EQ(std::memcmp(&back, &d, sizeof d), 0) << shortest_double(d);
  }
}

TEST(Double, SpellsNonFiniteValuesAsPostgres) {
  EXPECT_EQ(shortest_double(std::nan("")), "NaN");
  EXPECT_EQ(shortest_double(HUGE_VAL), "Infinity");
  EXPECT_EQ(shortest_double(-HUGE_VAL), "-Infinity");
}

TEST(Decimal, ReadsTheShapeOfALiteral) {
  DecimalShape d;
  ASSERT_EQ(parse_decimal_shape("-0012.3400", &d), ParseStatus::Ok);
  EXPECT_FALSE(d.zero);
  EXPECT_EQ(d.integer_digits, 2);
  EXPECT_EQ(d.lowest_power, -2);
  ASSERT_EQ(parse_decimal_shape("1.5e-7", &d), ParseStatus::Ok);
  EXPECT_EQ(d.integer_digits, 0);
  EXPECT_EQ(d.lowest_power, -8);
  ASSERT_EQ(parse_decimal_shape("1e4", &d), ParseStatus::Ok);
  EXPECT_EQ(d.integer_digits, 5);
  EXPECT_EQ(d.lowest_power, 4);
  ASSERT_EQ(parse_decimal_shape(" .5 ", &d), ParseStatus::Ok);
  EXPECT_EQ(d.lowest_power, -1);
  ASSERT_EQ(parse_decimal_shape("0.000", &d), ParseStatus::Ok);
  EXPECT_TRUE(d.zero);
  ASSERT_EQ(parse_decimal_shape("-9223372036854775808", &d), ParseStatus::Ok);
  EXPECT_EQ(d.integer_digits, 19);
  EXPECT_EQ(parse_decimal_shape("1.2.3", &d), ParseStatus::Invalid);
  EXPECT_EQ(parse_decimal_shape("e5", &d), ParseStatus::Invalid);
  EXPECT_EQ(parse_decimal_shape("1e", &d), ParseStatus::Invalid);
  EXPECT_EQ(parse_decimal_shape("1e9999999", &d), ParseStatus::OutOfRange);
}

TEST(Decimal, FitsWithoutRoundingOrOverflow) {
  auto fits = [](const char *text, int precision, int scale) {
    DecimalShape d;
    EXPECT_EQ(parse_decimal_shape(text, &d), ParseStatus::Ok) << text;
    return decimal_fits(d, precision, scale);
  };
  EXPECT_EQ(fits("19.99", 12, 2), DecimalFit::Fits);
  EXPECT_EQ(fits("19.99", 12, 1), DecimalFit::NeedsRounding);
  EXPECT_EQ(fits("19.90", 12, 1), DecimalFit::Fits);
  EXPECT_EQ(fits("1234", 3, 0), DecimalFit::Overflows);
  EXPECT_EQ(fits("1234", 4, 0), DecimalFit::Fits);
  EXPECT_EQ(fits("9999999999.99", 12, 2), DecimalFit::Fits);
  EXPECT_EQ(fits("10000000000", 12, 2), DecimalFit::Overflows);
  EXPECT_EQ(fits("12300", 3, -2), DecimalFit::Fits);  // PostgreSQL 15 allows negative scales
  EXPECT_EQ(fits("12345", 3, -2), DecimalFit::NeedsRounding);
  EXPECT_EQ(fits("12345", -1, 0), DecimalFit::Fits);
  EXPECT_EQ(fits("0", 1, 0), DecimalFit::Fits);
  EXPECT_EQ(fits("1.5e-7", 10, 8), DecimalFit::Fits);
  EXPECT_EQ(fits("1.5e-7", 10, 7), DecimalFit::NeedsRounding);
  EXPECT_EQ(fits("0.00012", 2, 5), DecimalFit::Fits);  // a scale above the precision
  EXPECT_EQ(fits("0.0012", 2, 5), DecimalFit::Overflows);
  EXPECT_EQ(fits("0.000123", 2, 5), DecimalFit::NeedsRounding);
}

TEST(Double, SpellsTheShortestDigitsForNumeric) {
  char buffer[32];
  EXPECT_STREQ(write_shortest_scientific(2.2479026791991795e17, buffer, sizeof buffer), "2.2479026791991795e+17");
  EXPECT_STREQ(write_shortest_scientific(19.99, buffer, sizeof buffer), "1.999e+01");
  EXPECT_EQ(shortest_float(19.99f), "19.99");
  EXPECT_EQ(shortest_float(0.1f), "0.1");
}

#include "core/hash64.hpp"

TEST(Hash64, SeparatesNearbyInputs) {
  const char a[] = "abcdefghijklmnopqrstuvwxyz";
  EXPECT_EQ(hash64(a, 26, 0), hash64(a, 26, 0));
  EXPECT_NE(hash64(a, 26, 0), hash64(a, 25, 0));
  EXPECT_NE(hash64(a, 26, 0), hash64(a, 26, 1));
  const unsigned char zero[2] = {0, 0};
  EXPECT_NE(hash64(zero, 1, 0), hash64(zero, 2, 0));  // trailing zero bytes count
  EXPECT_NE(hash64("", 0, 0), hash64(zero, 1, 0));
  char b[26];
  std::memcpy(b, a, 26);
  for (int i = 0; i < 26; ++i) {  // every single-bit flip changes the hash
    for (int bit = 0; bit < 8; ++bit) {
      b[i] ^= static_cast<char>(1 << bit);
      EXPECT_NE(hash64(a, 26, 0), hash64(b, 26, 0)) << i << ":" << bit;
      b[i] ^= static_cast<char>(1 << bit);
    }
  }
  EXPECT_NE(hash64_combine(1, 2), hash64_combine(2, 1));
}

TEST(DecimalEqualsDouble, SameDecimalBackFromSqlite) {
  EXPECT_TRUE(decimal_equals_double("19.99", 19.99));
  EXPECT_TRUE(decimal_equals_double("19.990", 19.99));
  EXPECT_TRUE(decimal_equals_double("0.1", 0.1));
  EXPECT_TRUE(decimal_equals_double("-0.000125", -0.000125));
  EXPECT_TRUE(decimal_equals_double("100000000000000000000", 1e20));
  EXPECT_TRUE(decimal_equals_double("1e20", 1e20));
  EXPECT_TRUE(decimal_equals_double("0.00", 0.0));
  EXPECT_TRUE(decimal_equals_double("-0", 0.0));
  EXPECT_TRUE(decimal_equals_double("1500", 1500.0));
  EXPECT_FALSE(decimal_equals_double("0.1000000000000000055511151231257827", 0.1));
  EXPECT_FALSE(decimal_equals_double("12345678901234567890.12", 12345678901234567890.12));
  EXPECT_FALSE(decimal_equals_double("19.99", -19.99));
  EXPECT_FALSE(decimal_equals_double("1999", 199.9));
  EXPECT_FALSE(decimal_equals_double("abc", 1.0));
  EXPECT_FALSE(decimal_equals_double("1", std::numeric_limits<double>::infinity()));
}
