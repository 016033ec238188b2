// Learning and writing a column's stored forms (see stored_form.hpp).
#include "core/stored_form.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "core/cpp_only.hpp"
#include "core/value_parse.hpp"

namespace hangar {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "YYYY-MM-DD?HH:MM" at the start of text: the separator, or '\0' when it is not a date-time.
char date_time_separator(std::string_view text) {
  if (text.size() < 16 || text[4] != '-' || text[7] != '-' || text[13] != ':') return '\0';
  return text[10] == 'T' || text[10] == ' ' ? text[10] : '\0';
}

bool is_hex_uuid(std::string_view text) {
  if (text.size() != 32) return false;
  for (char c : text)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

void learn_time_of_day(std::string_view time, StoredForm &form) {
  size_t dot = time.find('.');
  if (time.size() < 8 || time[2] != ':' || time[5] != ':') return;
  if (dot == std::string_view::npos) {
    form.fraction_digits = kIsoFraction;
  } else {
    int digits = 0;
    while (dot + 1 + digits < time.size() && is_digit(time[dot + 1 + digits])) ++digits;
    form.fraction_digits = digits > 6 ? 6 : digits;
  }
  size_t zone_at = time.find_first_of("Z+-", 8);
  if (zone_at != std::string_view::npos) form.zone = time[zone_at] == 'Z' ? StoredForm::Zone::Z : StoredForm::Zone::Offset;
}

// Writes value as width decimal digits, zero-padded; returns the end.
char *put_digits(char *out, int value, int width) {
  for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
  return out + width;
}

// The fraction ".ffffff" a value needs in the form: fewer fixed digits only when exact.
char *put_fraction(char *out, int microsecond, int fraction_digits) {
  int digits = fraction_digits;
  if (digits == kIsoFraction) digits = microsecond == 0 ? 0 : 6;
  int dropped = 1;
  for (int i = digits; i < 6; ++i) dropped *= 10;
  if (microsecond % dropped != 0) digits = 6, dropped = 1;
  if (digits == 0) return out;
  *out++ = '.';
  return put_digits(out, microsecond / dropped, digits);
}

char *put_zone(char *out, int offset_seconds, StoredForm::Zone zone) {
  if (zone == StoredForm::Zone::None) return out;
  if (zone == StoredForm::Zone::Z && offset_seconds == 0) {
    *out++ = 'Z';
    return out;
  }
  int minutes = std::abs(offset_seconds) / 60;
  *out++ = offset_seconds < 0 ? '-' : '+';
  out = put_digits(out, minutes / 60, 2);
  *out++ = ':';
  return put_digits(out, minutes % 60, 2);
}

char *put_date(char *out, const DateTimeFields &value) {
  out = put_digits(out, value.year, 4);
  *out++ = '-';
  out = put_digits(out, value.month, 2);
  *out++ = '-';
  return put_digits(out, value.day, 2);
}

char *put_clock(char *out, const DateTimeFields &value, const StoredForm &form) {
  out = put_digits(out, value.hour, 2);
  *out++ = ':';
  out = put_digits(out, value.minute, 2);
  *out++ = ':';
  out = put_digits(out, value.second, 2);
  return put_fraction(out, value.microsecond, form.fraction_digits);
}

}  // namespace

StoredForm learn_stored_form(const SqliteValue &sample) {
  StoredForm form;
  form.storage = sample.type;
  if (sample.type != SQLITE_TEXT) return form;
  std::string_view text = sample.content();
  form.uuid_hex = is_hex_uuid(text);
  if (char separator = date_time_separator(text)) {
    form.date_time_separator = separator;
    learn_time_of_day(text.substr(11), form);
  } else if (text.size() >= 8 && text[2] == ':') {
    learn_time_of_day(text, form);
  }
  return form;
}

std::string format_date(const DateTimeFields &value) {
  char buffer[16];
  return std::string(buffer, put_date(buffer, value));
}

std::string format_timestamp(const DateTimeFields &value, const StoredForm &form, bool with_zone) {
  char buffer[48];  // years have 4 digits here: callers keep them within 1 to 9999
  char *end = put_date(buffer, value);
  *end++ = form.date_time_separator;
  end = put_clock(end, value, form);
  if (with_zone) end = put_zone(end, value.utc_offset_seconds, form.zone);
  return std::string(buffer, end);
}

std::string format_time(const DateTimeFields &value, const StoredForm &form) {
  char buffer[24];
  return std::string(buffer, put_clock(buffer, value, form));
}

std::string format_uuid(const unsigned char bytes[16], const StoredForm &form) {
  std::string text = format_uuid(bytes);
  if (form.uuid_hex) text.erase(std::remove(text.begin(), text.end(), '-'), text.end());
  return text;
}

}  // namespace hangar
