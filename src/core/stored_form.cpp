// Learning and writing a column's stored forms (see stored_form.hpp).
#include "core/stored_form.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/cpp_only.hpp"

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

// The fraction ".ffffff" a value needs in the form: fewer fixed digits only when exact.
std::string fraction_text(int microsecond, int fraction_digits) {
  int digits = fraction_digits;
  if (digits == kIsoFraction) digits = microsecond == 0 ? 0 : 6;
  int dropped = 1;
  for (int i = digits; i < 6; ++i) dropped *= 10;
  if (microsecond % dropped != 0) digits = 6, dropped = 1;
  if (digits == 0) return "";
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, ".%0*d", digits, microsecond / dropped);
  return buffer;
}

std::string zone_text(int offset_seconds, StoredForm::Zone zone) {
  if (zone == StoredForm::Zone::None) return "";
  if (zone == StoredForm::Zone::Z && offset_seconds == 0) return "Z";
  int minutes = std::abs(offset_seconds) / 60;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", offset_seconds < 0 ? '-' : '+', minutes / 60, minutes % 60);
  return buffer;
}

std::string clock_text(const DateTimeFields &value, const StoredForm &form) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d:%02d", value.hour, value.minute, value.second);
  return buffer + fraction_text(value.microsecond, form.fraction_digits);
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
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", value.year, value.month, value.day);
  return buffer;
}

std::string format_timestamp(const DateTimeFields &value, const StoredForm &form, bool with_zone) {
  std::string text = format_date(value) + form.date_time_separator + clock_text(value, form);
  if (with_zone) text += zone_text(value.utc_offset_seconds, form.zone);
  return text;
}

std::string format_time(const DateTimeFields &value, const StoredForm &form) { return clock_text(value, form); }

std::string format_uuid(const unsigned char bytes[16], const StoredForm &form) {
  static const char kHex[] = "0123456789abcdef";
  std::string text;
  for (int i = 0; i < 16; ++i) {
    if (!form.uuid_hex && (i == 4 || i == 6 || i == 8 || i == 10)) text += '-';
    text += kHex[bytes[i] >> 4];
    text += kHex[bytes[i] & 15];
  }
  return text;
}

}  // namespace hangar
