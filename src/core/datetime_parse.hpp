// Parser for the ISO-8601 text forms SQLite apps store dates and times in: what SQLAlchemy
// writes ("2024-05-01 13:45:00.123456"), what CURRENT_TIMESTAMP writes ("2024-05-01 13:45:00"),
// and what JavaScript or Python's isoformat() write ("2024-05-01T13:45:00.123Z", "+02:00").
// Fields are validated (no 30 February; 24:00:00 only as the end of a day, as PostgreSQL and
// SQLite read it) and never rounded: more than six fractional digits make the status
// TooPrecise unless the extra digits are zeros, with the fraction as PostgreSQL's input would
// round it alongside, for a caller asked to round.
#pragma once

#include <cstdint>
#include <string_view>

namespace hangar {

struct DateTimeFields {
  int year = 0, month = 0, day = 0;
  int hour = 0, minute = 0, second = 0, microsecond = 0;  // microsecond: the first six digits
  // With TooPrecise: the whole fraction rounded to microseconds as PostgreSQL's input rounds it,
  // rint(fraction * 1e6) of the fraction as a double; 1000000 when it rounds up to a second.
  int microsecond_rounded = 0;
  bool has_date = false;
  bool has_time = false;
  bool has_zone = false;
  int zone_offset_seconds = 0;  // east of UTC
};

enum class DateTimeStatus { Ok, Invalid, OutOfRange, TooPrecise };

// "YYYY-MM-DD", "YYYY-MM-DD[ T]HH:MM[:SS[.fff...]][zone]", or "HH:MM[:SS[.fff...]][zone]",
// where zone is "Z", "+HH", "+HHMM" or "+HH:MM" (optionally after one blank).
DateTimeStatus parse_iso_datetime(std::string_view text, DateTimeFields *out);

// Days from 1970-01-01 to the given proleptic Gregorian date.
int64_t days_from_civil(int year, int month, int day);

}  // namespace hangar
