// How an app spells the values of one SQLite column, learned from a value it stored there, so
// that a write through a foreign table stores new values the same way (the app reading the file
// afterwards sees nothing odd): date/time text with 'T' or a space, with a fixed number of
// fraction digits or Python's isoformat rule, with or without a zone suffix; epoch numbers;
// UUIDs as 32 hex digits or with dashes. With no value to learn from, SQLAlchemy's forms.
#pragma once

#include <cstdint>
#include <string>

#include "core/sqlite_value.hpp"

namespace hangar {

struct StoredForm {
  // What the learned value was stored as (SQLITE_TEXT, SQLITE_INTEGER, SQLITE_FLOAT), or
  // SQLITE_NULL when the column had none: then SQLAlchemy's text forms.
  int storage = SQLITE_NULL;
  char date_time_separator = ' ';
  // Fraction digits of seconds, always written; kIsoFraction: none when the fraction is zero,
  // else six, as Python's isoformat() (and Django) write.
  int fraction_digits = 6;
  enum class Zone { None, Z, Offset } zone = Zone::None;  // suffix: none, "Z", "+HH:MM"
  bool uuid_hex = false;  // 32 hex digits without dashes (SQLAlchemy's Uuid on SQLite)
};

constexpr int kIsoFraction = -1;

// The form of one stored value (a NULL sample gives the defaults).
StoredForm learn_stored_form(const SqliteValue &sample);

// A moment or a time of day broken into fields, with its offset from UTC in seconds.
struct DateTimeFields {
  int year = 1, month = 1, day = 1;
  int hour = 0, minute = 0, second = 0, microsecond = 0;
  int utc_offset_seconds = 0;
};

// "2024-05-01 13:45:00.123456" in the column's form; the zone suffix only when with_zone.
std::string format_timestamp(const DateTimeFields &value, const StoredForm &form, bool with_zone);
std::string format_date(const DateTimeFields &value);
// "13:45:00.123456" in the column's fraction form.
std::string format_time(const DateTimeFields &value, const StoredForm &form);
// A UUID's 16 bytes as text in the column's form.
std::string format_uuid(const unsigned char bytes[16], const StoredForm &form);

}  // namespace hangar
