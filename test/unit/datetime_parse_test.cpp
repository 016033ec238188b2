// Unit tests of core/datetime_parse: the ISO forms SQLite apps store, field validation, and the
// refusal to round sub-microsecond digits.
#include <gtest/gtest.h>

#include "core/datetime_parse.hpp"

using namespace hangar;

TEST(DateTime, ReadsSqlalchemyAndCurrentTimestampForms) {
  DateTimeFields f;
  ASSERT_EQ(parse_iso_datetime("2024-05-01 13:45:00.123456", &f), DateTimeStatus::Ok);
  EXPECT_EQ(f.year, 2024);
  EXPECT_EQ(f.month, 5);
  EXPECT_EQ(f.day, 1);
  EXPECT_EQ(f.hour, 13);
  EXPECT_EQ(f.minute, 45);
  EXPECT_EQ(f.second, 0);
  EXPECT_EQ(f.microsecond, 123456);
  EXPECT_TRUE(f.has_time);
  EXPECT_FALSE(f.has_zone);
  ASSERT_EQ(parse_iso_datetime("2024-05-01 13:45:00", &f), DateTimeStatus::Ok);
  EXPECT_EQ(f.microsecond, 0);
  ASSERT_EQ(parse_iso_datetime("2024-05-01", &f), DateTimeStatus::Ok);
  EXPECT_FALSE(f.has_time);
  ASSERT_EQ(parse_iso_datetime("2024-05-01T13:45", &f), DateTimeStatus::Ok);
  EXPECT_EQ(f.minute, 45);
}

TEST(DateTime, ReadsZones) {
  DateTimeFields f;
  ASSERT_EQ(parse_iso_datetime("2024-05-01T13:45:00.5Z", &f), DateTimeStatus::Ok);
  EXPECT_TRUE(f.has_zone);
  EXPECT_EQ(f.zone_offset_seconds, 0);
  EXPECT_EQ(f.microsecond, 500000);
  ASSERT_EQ(parse_iso_datetime("2024-05-01 13:45:00+02:00", &f), DateTimeStatus::Ok);
  EXPECT_EQ(f.zone_offset_seconds, 7200);
  ASSERT_EQ(parse_iso_datetime("2024-05-01 13:45:00 -0530", &f), DateTimeStatus::Ok);
  EXPECT_EQ(f.zone_offset_seconds, -19800);
  ASSERT_EQ(parse_iso_datetime("2024-05-01 13:45:00+01", &f), DateTimeStatus::Ok);
  EXPECT_EQ(f.zone_offset_seconds, 3600);
}

TEST(DateTime, ReadsTimesOfDay) {
  DateTimeFields f;
  ASSERT_EQ(parse_iso_datetime("23:59:59.999999", &f), DateTimeStatus::Ok);
  EXPECT_FALSE(f.has_date);
  EXPECT_EQ(f.hour, 23);
  EXPECT_EQ(f.microsecond, 999999);
}

TEST(DateTime, RefusesImpossibleFields) {
  DateTimeFields f;
  EXPECT_EQ(parse_iso_datetime("2023-02-29", &f), DateTimeStatus::OutOfRange);
  EXPECT_EQ(parse_iso_datetime("2024-02-30 10:00:00", &f), DateTimeStatus::OutOfRange);
  EXPECT_EQ(parse_iso_datetime("2024-13-01", &f), DateTimeStatus::OutOfRange);
  EXPECT_EQ(parse_iso_datetime("0000-01-01", &f), DateTimeStatus::OutOfRange);
  EXPECT_EQ(parse_iso_datetime("2016-12-31 23:59:60", &f), DateTimeStatus::OutOfRange);
  EXPECT_EQ(parse_iso_datetime("24:00:01", &f), DateTimeStatus::OutOfRange);
  EXPECT_EQ(parse_iso_datetime("24:00:00.000001", &f), DateTimeStatus::OutOfRange);
  EXPECT_EQ(parse_iso_datetime("24:00:00.0000001", &f), DateTimeStatus::OutOfRange);
  EXPECT_EQ(parse_iso_datetime("25:00", &f), DateTimeStatus::OutOfRange);
  EXPECT_EQ(parse_iso_datetime("2000-02-29", &f), DateTimeStatus::Ok);
  EXPECT_EQ(parse_iso_datetime("1900-02-29", &f), DateTimeStatus::OutOfRange);
}

TEST(DateTime, RefusesMalformedText) {
  DateTimeFields f;
  for (const char *text : {"", "2024", "2024-5-1", "2024-05-01 1:00", "2024-05-01 13:45:00.", "yesterday",
                           "2024-05-01 13:45:00 UTC", "2024/05/01", "13:45:00 2024-05-01"})
    EXPECT_EQ(parse_iso_datetime(text, &f), DateTimeStatus::Invalid) << text;
}

// The end of a day, as PostgreSQL's time holds it and SQLite's julianday() reads it.
TEST(DateTime, ReadsTheEndOfADay) {
  DateTimeFields f;
  ASSERT_EQ(parse_iso_datetime("24:00:00", &f), DateTimeStatus::Ok);
  EXPECT_EQ(f.hour, 24);
  ASSERT_EQ(parse_iso_datetime("2024-01-01 24:00", &f), DateTimeStatus::Ok);
  EXPECT_EQ(f.day, 1);
  EXPECT_EQ(f.hour, 24);
}

TEST(DateTime, NeverRoundsFractions) {
  DateTimeFields f;
  EXPECT_EQ(parse_iso_datetime("2024-01-01 10:00:00.1234567", &f), DateTimeStatus::TooPrecise);
  EXPECT_EQ(f.microsecond, 123456);
  ASSERT_EQ(parse_iso_datetime("2024-01-01 10:00:00.123456000", &f), DateTimeStatus::Ok);
  EXPECT_EQ(f.microsecond, 123456);
}

// Alongside TooPrecise, the fraction as PostgreSQL's input rounds it: rint(fraction * 1e6)
// ('12:00:00.1234565'::time is 12:00:00.123456, '.12345650001' is .123457).
TEST(DateTime, RoundsTooPreciseFractionsAsPostgreSQL) {
  DateTimeFields f;
  struct Case {
    const char *text;
    int rounded;
  };
  for (Case c : {Case{"10:00:00.1234567", 123457}, Case{"10:00:00.1234564", 123456},
                 Case{"10:00:00.1234565", 123456}, Case{"10:00:00.12345650001", 123457},
                 Case{"2024-01-01T10:00:00.123456789Z", 123457}, Case{"23:59:59.9999996", 1000000},
                 Case{"10:00:00.0000001", 0}}) {
    ASSERT_EQ(parse_iso_datetime(c.text, &f), DateTimeStatus::TooPrecise) << c.text;
    EXPECT_EQ(f.microsecond_rounded, c.rounded) << c.text;
  }
}

TEST(DateTime, CountsDaysFromTheUnixEpoch) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 1, 1), 10957);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(1, 1, 1), -719162);
}
