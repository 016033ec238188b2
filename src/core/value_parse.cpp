// Exact text parsers used by value conversion. Inputs are SQLite's stored bytes; the rules
// follow PostgreSQL's input functions where they are strict and are stricter where PostgreSQL
// would round or truncate (more fractional digits than a numeric scale, say).
#include "core/value_parse.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/ascii_case.hpp"
#include "core/cpp_only.hpp"

namespace hangar {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// PostgreSQL's numeric limits: 131072 digits before the point, 16383 after.
constexpr int kMaxNumericIntegerDigits = 131072;
constexpr int kMaxNumericFractionDigits = 16383;

}  // namespace

TextStatus check_utf8(const char *text, size_t len, size_t *bad_offset, size_t *chars) {
  const auto *s = reinterpret_cast<const unsigned char *>(text);
  size_t i = 0;
  size_t count = 0;
  while (i < len) {
    // Fast path: eight ASCII bytes, none of them NUL.
    if (i + 8 <= len) {
      uint64_t v;
      std::memcpy(&v, s + i, 8);
      bool has_high = (v & 0x8080808080808080ULL) != 0;
      bool has_zero = ((v - 0x0101010101010101ULL) & ~v & 0x8080808080808080ULL) != 0;
      if (!has_high && !has_zero) {
        i += 8;
        count += 8;
        continue;
      }
    }
    unsigned char c = s[i];
    if (c == 0) {
      *bad_offset = i;
      return TextStatus::ContainsNul;
    }
    if (c < 0x80) {
      ++i;
      ++count;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      cp = c & 0x07;
    } else {
      *bad_offset = i;
      return TextStatus::InvalidUtf8;
    }
    if (i + n > len) {
      *bad_offset = i;
      return TextStatus::InvalidUtf8;
    }
    for (size_t k = 1; k < n; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) {
        *bad_offset = i;
        return TextStatus::InvalidUtf8;
      }
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
    bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    if (overlong || surrogate || cp > 0x10FFFF) {
      *bad_offset = i;
      return TextStatus::InvalidUtf8;
    }
    i += n;
    ++count;
  }
  *chars = count;
  return TextStatus::Ok;
}

ParseStatus parse_int64(std::string_view text, int64_t *out) {
  std::string_view s = trim(text);
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return ParseStatus::Invalid;
  uint64_t magnitude = 0;
  const uint64_t limit = negative ? uint64_t(1) << 63 : (uint64_t(1) << 63) - 1;
  bool overflow = false;
  for (char c : s) {
    if (c < '0' || c > '9') return ParseStatus::Invalid;
    unsigned digit = static_cast<unsigned>(c - '0');
    if (magnitude > (limit - digit) / 10) overflow = true;
    if (!overflow) magnitude = magnitude * 10 + digit;
  }
  if (overflow) return ParseStatus::OutOfRange;
  *out = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
  return ParseStatus::Ok;
}

ParseStatus parse_double(std::string_view text, double *out) {
  std::string_view s = trim(text);
  bool negative = false;
  std::string_view body = s;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  if (ascii_iequals(body, "infinity") || ascii_iequals(body, "inf")) {
    *out = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return ParseStatus::Ok;
  }
  if (ascii_iequals(body, "nan")) {
    *out = std::numeric_limits<double>::quiet_NaN();
    return ParseStatus::Ok;
  }
  // from_chars would accept "inf"/"nan" spellings and hex floats in other forms; digits only here.
  if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body.front())) || body.front() == '.'))
    return ParseStatus::Invalid;
  double value;
  auto result = std::from_chars(body.data(), body.data() + body.size(), value, std::chars_format::general);
  if (result.ec == std::errc::result_out_of_range) return ParseStatus::OutOfRange;
  if (result.ec != std::errc() || result.ptr != body.data() + body.size()) return ParseStatus::Invalid;
  *out = negative ? -value : value;
  return ParseStatus::Ok;
}

ParseStatus parse_bool(std::string_view text, bool *out) {
  std::string_view s = trim(text);
  if (ascii_iequals(s, "true") || ascii_iequals(s, "t") || s == "1") {
    *out = true;
    return ParseStatus::Ok;
  }
  if (ascii_iequals(s, "false") || ascii_iequals(s, "f") || s == "0") {
    *out = false;
    return ParseStatus::Ok;
  }
  return ParseStatus::Invalid;
}

ParseStatus parse_uuid(std::string_view text, unsigned char out[16]) {
  std::string_view s = trim(text);
  bool dashed = s.size() == 36;
  if (!dashed && s.size() != 32) return ParseStatus::Invalid;
  size_t pos = 0;
  for (int byte = 0; byte < 16; ++byte) {
    if (dashed && (pos == 8 || pos == 13 || pos == 18 || pos == 23)) {
      if (s[pos] != '-') return ParseStatus::Invalid;
      ++pos;
    }
    int hi = hex_value(s[pos]);
    int lo = hex_value(s[pos + 1]);
    if (hi < 0 || lo < 0) return ParseStatus::Invalid;
    out[byte] = static_cast<unsigned char>(hi * 16 + lo);
    pos += 2;
  }
  return ParseStatus::Ok;
}

std::string format_uuid(const unsigned char bytes[16]) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[bytes[i] >> 4];
    out += hex[bytes[i] & 0xF];
  }
  return out;
}

namespace {

// The shortest decimal text that reads back as exactly this double or float.
template <typename Floating>
std::string shortest_text(Floating value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

}  // namespace

std::string shortest_double(double value) { return shortest_text(value); }

std::string shortest_float(float value) { return shortest_text(value); }

char *write_shortest_scientific(double value, char *buffer, size_t size) {
  *std::to_chars(buffer, buffer + size - 1, value, std::chars_format::scientific).ptr = '\0';
  return buffer;
}

namespace {

// A decimal's significant digits (no leading or trailing zeros) and the power of ten of the
// first; no more than a double's shortest text can have, and a few to spare.
struct Significand {
  bool negative = false;
  int count = 0;
  long exponent = 0;
  char digits[24];
};

// False when the text is not a plain decimal or has more significant digits than fit.
bool significand_of(std::string_view s, Significand *out) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) out->negative = s[i++] == '-';
  long point_power = -1;  // power of ten of the next fraction digit
  long integer_digits = 0;
  bool seen_point = false, any_digit = false;
  long first_power = 0;
  int pending_zeros = 0;  // zeros after the last non-zero digit, kept until a non-zero follows
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !seen_point) {
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any_digit = true;
    long power = seen_point ? point_power-- : integer_digits++;
    if (c == '0') {
      if (out->count > 0) ++pending_zeros;
      continue;
    }
    if (out->count == 0) first_power = power;
    while (pending_zeros > 0) {
      if (out->count >= static_cast<int>(sizeof out->digits)) return false;
      out->digits[out->count++] = '0', --pending_zeros;
    }
    if (out->count >= static_cast<int>(sizeof out->digits)) return false;
    out->digits[out->count++] = c;
  }
  if (!any_digit) return false;
  long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    if (i >= s.size()) return false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      exponent = exponent * 10 + (s[i] - '0');
      if (exponent > 100000) return false;
    }
    if (negative) exponent = -exponent;
  }
  if (i != s.size()) return false;
  // An integer digit's position counts from the left (0, 1, ...); a fraction digit's is already its
  // power of ten (-1, -2, ...).
  if (out->count > 0) out->exponent = (first_power >= 0 ? integer_digits - 1 - first_power : first_power) + exponent;
  return true;
}

}  // namespace

bool decimal_equals_double(std::string_view decimal, double value) {
  if (!std::isfinite(value)) return false;
  char buffer[32];
  Significand a, b;
  if (!significand_of(decimal, &a) || !significand_of(write_shortest_scientific(value, buffer, sizeof buffer), &b))
    return false;
  if (a.count == 0 || b.count == 0) return a.count == b.count;  // zero, either sign
  return a.negative == b.negative && a.exponent == b.exponent && a.count == b.count &&
         std::equal(a.digits, a.digits + a.count, b.digits);
}

ParseStatus parse_decimal_shape(std::string_view text, DecimalShape *out) {
  std::string_view s = trim(text);
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  // Digits are numbered by their power of ten before the exponent is applied.
  size_t int_start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  size_t int_end = i;
  size_t frac_start = i, frac_end = i;
  if (i < s.size() && s[i] == '.') {
    frac_start = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    frac_end = i;
  }
  if (int_end == int_start && frac_end == frac_start) return ParseStatus::Invalid;
  long exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return ParseStatus::Invalid;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
      exp = exp * 10 + (s[i] - '0');
      if (exp > 1000000) return ParseStatus::OutOfRange;
    }
    if (negative) exp = -exp;
  }
  if (i != s.size()) return ParseStatus::Invalid;
  DecimalShape d;
  long highest = 0, lowest = 0;
  long int_len = static_cast<long>(int_end - int_start);
  for (size_t k = int_start; k < int_end; ++k)
    if (s[k] != '0') {
      long power = int_len - 1 - static_cast<long>(k - int_start);
      if (d.zero) highest = power;
      lowest = power;
      d.zero = false;
    }
  for (size_t k = frac_start; k < frac_end; ++k)
    if (s[k] != '0') {
      long power = -1 - static_cast<long>(k - frac_start);
      if (d.zero) highest = power;
      lowest = power;
      d.zero = false;
    }
  if (!d.zero) {
    d.integer_digits = highest + exp >= 0 ? static_cast<int>(highest + exp + 1) : 0;
    d.highest_power = static_cast<int>(highest + exp);
    d.lowest_power = static_cast<int>(lowest + exp);
  }
  *out = d;
  return ParseStatus::Ok;
}

DecimalFit decimal_fits(const DecimalShape &d, int precision, int scale) {
  if (d.zero) return DecimalFit::Fits;
  if (precision < 0) {
    if (d.integer_digits > kMaxNumericIntegerDigits) return DecimalFit::Overflows;
    if (-d.lowest_power > kMaxNumericFractionDigits) return DecimalFit::NeedsRounding;
    return DecimalFit::Fits;
  }
  // The lowest non-zero digit sits at 10^lowest_power; below 10^-scale it would be rounded away.
  // The highest must stay below 10^(precision - scale), which may be negative: numeric(2,5)
  // holds 0.00012 but not 0.0012.
  if (d.lowest_power < -scale) return DecimalFit::NeedsRounding;
  if (d.highest_power >= precision - scale) return DecimalFit::Overflows;
  return DecimalFit::Fits;
}

}  // namespace hangar
