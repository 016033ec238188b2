// Hand-written ISO-8601 parser: a fixed-position scanner, faster than PostgreSQL's general
// date/time parser and stricter (it never guesses field order or rounds).
#include "core/datetime_parse.hpp"

#include "core/cpp_only.hpp"

#include <charconv>
#include <cmath>

namespace hangar {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly n digits at pos.
bool read_digits(std::string_view s, size_t &pos, int n, int *out) {
  if (pos + static_cast<size_t>(n) > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[pos + static_cast<size_t>(i)];
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  pos += static_cast<size_t>(n);
  *out = v;
  return true;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

// HH:MM[:SS[.fraction]] at pos.
DateTimeStatus parse_time(std::string_view s, size_t &pos, DateTimeFields *f) {
  bool too_precise = false;
  if (!read_digits(s, pos, 2, &f->hour) || pos >= s.size() || s[pos] != ':') return DateTimeStatus::Invalid;
  ++pos;
  if (!read_digits(s, pos, 2, &f->minute)) return DateTimeStatus::Invalid;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!read_digits(s, pos, 2, &f->second)) return DateTimeStatus::Invalid;
    if (pos < s.size() && s[pos] == '.') {
      size_t point = pos;
      ++pos;
      int digits = 0;
      int micro = 0;
      bool dropped_nonzero = false;
      while (pos < s.size() && is_digit(s[pos])) {
        if (digits < 6)
          micro = micro * 10 + (s[pos] - '0');
        else if (s[pos] != '0')
          dropped_nonzero = true;
        ++digits;
        ++pos;
      }
      if (digits == 0) return DateTimeStatus::Invalid;
      for (int i = digits; i < 6; ++i) micro *= 10;
      f->microsecond = micro;
      too_precise = dropped_nonzero;
      if (too_precise) {
        double fraction = 0;
        std::from_chars(s.data() + point, s.data() + pos, fraction);
        f->microsecond_rounded = static_cast<int>(std::rint(fraction * 1e6));
      }
    }
  }
  // The whole value is read before a too-precise fraction is reported, so that a zone after it
  // is not mistaken for bad syntax.
  f->has_time = true;
  bool end_of_day = f->hour == 24 && f->minute == 0 && f->second == 0 && f->microsecond == 0 && !too_precise;
  if ((f->hour > 23 && !end_of_day) || f->minute > 59 || f->second > 59) return DateTimeStatus::OutOfRange;
  return too_precise ? DateTimeStatus::TooPrecise : DateTimeStatus::Ok;
}

DateTimeStatus parse_zone(std::string_view s, size_t &pos, DateTimeFields *f) {
  size_t start = pos;
  if (pos < s.size() && s[pos] == ' ' && pos + 1 < s.size() && (s[pos + 1] == '+' || s[pos + 1] == '-')) ++pos;
  if (pos >= s.size()) {
    pos = start;
    return DateTimeStatus::Ok;
  }
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
    f->has_zone = true;
    return DateTimeStatus::Ok;
  }
  if (s[pos] != '+' && s[pos] != '-') {
    pos = start;
    return DateTimeStatus::Ok;
  }
  int sign = s[pos] == '-' ? -1 : 1;
  ++pos;
  int hours = 0, minutes = 0;
  if (!read_digits(s, pos, 2, &hours)) return DateTimeStatus::Invalid;
  if (pos < s.size() && s[pos] == ':') ++pos;
  if (pos < s.size() && is_digit(s[pos]) && !read_digits(s, pos, 2, &minutes)) return DateTimeStatus::Invalid;
  if (hours > 15 || minutes > 59) return DateTimeStatus::OutOfRange;
  f->has_zone = true;
  f->zone_offset_seconds = sign * (hours * 3600 + minutes * 60);
  return DateTimeStatus::Ok;
}

}  // namespace

DateTimeStatus parse_iso_datetime(std::string_view text, DateTimeFields *out) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  DateTimeFields f;
  size_t pos = 0;
  DateTimeStatus status = DateTimeStatus::Ok;
  bool time_only = s.size() >= 3 && is_digit(s[0]) && is_digit(s[1]) && s[2] == ':';
  if (!time_only) {
    if (!read_digits(s, pos, 4, &f.year) || pos >= s.size() || s[pos] != '-') return DateTimeStatus::Invalid;
    ++pos;
    if (!read_digits(s, pos, 2, &f.month) || pos >= s.size() || s[pos] != '-') return DateTimeStatus::Invalid;
    ++pos;
    if (!read_digits(s, pos, 2, &f.day)) return DateTimeStatus::Invalid;
    f.has_date = true;
    if (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T' || s[pos] == 't')) {
      ++pos;
      status = parse_time(s, pos, &f);
      if (status == DateTimeStatus::Invalid) return status;
    }
  } else {
    status = parse_time(s, pos, &f);
    if (status == DateTimeStatus::Invalid) return status;
  }
  if (f.has_time) {
    DateTimeStatus zone = parse_zone(s, pos, &f);
    if (zone != DateTimeStatus::Ok) return zone;
  }
  if (pos != s.size()) return DateTimeStatus::Invalid;
  if (f.has_date && (f.year < 1 || f.month < 1 || f.month > 12 || f.day < 1 || f.day > days_in_month(f.year, f.month)))
    return DateTimeStatus::OutOfRange;
  *out = f;  // with TooPrecise too, so the caller can also name a zone the type would drop
  return status;
}

int64_t days_from_civil(int year, int month, int day) {
  // Howard Hinnant's days_from_civil algorithm.
  int64_t y = year - (month <= 2 ? 1 : 0);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t mp = (month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace hangar
