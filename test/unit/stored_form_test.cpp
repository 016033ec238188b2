// Unit tests of core/stored_form: the form learned from a stored value, and new values written
// in it (SQLAlchemy's defaults, ISO 'T', isoformat's optional fraction, zone suffixes, UUIDs).
#include <gtest/gtest.h>

#include <string>

#include "core/stored_form.hpp"

using namespace hangar;

namespace {

SqliteValue text(const std::string &s) {
  static std::string keep;
  keep = s;
  SqliteValue v;
  v.type = SQLITE_TEXT;
  v.bytes = keep.c_str();
  v.length = static_cast<int>(keep.size());
  return v;
}

DateTimeFields moment(int microsecond, int offset = 0) {
  DateTimeFields f;
  f.year = 2024, f.month = 5, f.day = 1, f.hour = 13, f.minute = 45, f.second = 7;
  f.microsecond = microsecond;
  f.utc_offset_seconds = offset;
  return f;
}

TEST(StoredForm, DefaultIsSqlAlchemys) {
  StoredForm form = learn_stored_form(SqliteValue());
  EXPECT_EQ(form.storage, SQLITE_NULL);
  EXPECT_EQ(format_timestamp(moment(0), form, true), "2024-05-01 13:45:07.000000");
  EXPECT_EQ(format_time(moment(120000), form), "13:45:07.120000");
}

TEST(StoredForm, LearnsSeparatorFractionAndZone) {
  StoredForm iso = learn_stored_form(text("2023-01-02T03:04:05"));
  EXPECT_EQ(format_timestamp(moment(0), iso, false), "2024-05-01T13:45:07");
  EXPECT_EQ(format_timestamp(moment(5), iso, false), "2024-05-01T13:45:07.000005");
  StoredForm millis = learn_stored_form(text("2023-01-02 03:04:05.120"));
  EXPECT_EQ(format_timestamp(moment(250000), millis, false), "2024-05-01 13:45:07.250");
  EXPECT_EQ(format_timestamp(moment(250001), millis, false), "2024-05-01 13:45:07.250001");  // exact beats form
  StoredForm zulu = learn_stored_form(text("2023-01-02T03:04:05.000000Z"));
  EXPECT_EQ(format_timestamp(moment(1), zulu, true), "2024-05-01T13:45:07.000001Z");
  EXPECT_EQ(format_timestamp(moment(1, 7200), zulu, true), "2024-05-01T13:45:07.000001+02:00");
  StoredForm offset = learn_stored_form(text("2023-01-02 03:04:05+00:00"));
  EXPECT_EQ(format_timestamp(moment(0, -5 * 3600 - 1800), offset, true), "2024-05-01 13:45:07-05:30");
  EXPECT_EQ(format_timestamp(moment(0), offset, false), "2024-05-01 13:45:07");
}

TEST(StoredForm, LearnsTimesAndNumbers) {
  StoredForm time = learn_stored_form(text("08:30:00"));
  EXPECT_EQ(format_time(moment(0), time), "13:45:07");
  SqliteValue epoch;
  epoch.type = SQLITE_INTEGER;
  EXPECT_EQ(learn_stored_form(epoch).storage, SQLITE_INTEGER);
}

TEST(StoredForm, Uuids) {
  const unsigned char bytes[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0, 1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(format_uuid(bytes, learn_stored_form(SqliteValue())), "12345678-9abc-def0-0001-020304050607");
  EXPECT_EQ(format_uuid(bytes, learn_stored_form(text("0123456789abcdef0123456789ABCDEF"))),
            "123456789abcdef00001020304050607");
}

}  // namespace
