// Exact parsers for the text forms SQLite stores: integers, floats, decimals, booleans, UUIDs
// and UTF-8 text. Each reports failure by return value, never by exception, so the conversion
// hot path can name the offending row (or reject it) without unwinding. Nothing here rounds:
// a value that does not fit exactly is a failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hangar {

enum class TextStatus { Ok, ContainsNul, InvalidUtf8 };

// Checks well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF) and
// no NUL byte, and counts its characters into *chars. On failure *bad_offset is the byte offset
// of the first offending byte.
TextStatus check_utf8(const char *text, size_t len, size_t *bad_offset, size_t *chars);

enum class ParseStatus { Ok, Invalid, OutOfRange };

// "[ws][+-]digits[ws]" into int64.
ParseStatus parse_int64(std::string_view text, int64_t *out);
// A float literal or Infinity/-Infinity/NaN (any case, "inf" too), surrounding blanks allowed.
ParseStatus parse_double(std::string_view text, double *out);
// true/false/t/f/1/0, any case, surrounding blanks allowed.
ParseStatus parse_bool(std::string_view text, bool *out);
// 36-character dashed form or 32 hex digits into 16 bytes.
ParseStatus parse_uuid(std::string_view text, unsigned char out[16]);
// A 16-byte value formatted as the canonical dashed text.
std::string format_uuid(const unsigned char bytes[16]);

// The shortest decimal text that reads back as exactly this double (finite values only).
std::string shortest_double(double value);

// An exact decimal: value = (negative ? -1 : 1) * digits * 10^exponent, normalised so that
// digits has neither leading nor trailing zeros (zero is empty digits, exponent 0).
struct Decimal {
  bool negative = false;
  std::string digits;
  int exponent = 0;

  int fraction_digits() const { return exponent < 0 ? -exponent : 0; }
  int integer_digits() const {
    int n = static_cast<int>(digits.size()) + exponent;
    return n > 0 ? n : 0;
  }
  // Plain notation without exponent, e.g. "-0.0012", "1500".
  std::string to_plain() const;
};

// "[ws][+-](digits[.digits]|.digits)[(e|E)[+-]digits][ws]".
ParseStatus parse_decimal(std::string_view text, Decimal *out);
Decimal decimal_from_int64(int64_t value);

// Whether a decimal fits numeric(precision, scale) without rounding. precision < 0 means an
// unconstrained numeric (only PostgreSQL's own limits apply).
enum class DecimalFit { Fits, NeedsRounding, Overflows };
DecimalFit decimal_fits(const Decimal &d, int precision, int scale);

}  // namespace hangar
