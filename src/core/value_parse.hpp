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
// Whether a plain decimal literal ("-12.50", "1e20") is exactly the number whose shortest text
// is this double's: SQLite storing the double gives the app the same decimal back.
bool decimal_equals_double(std::string_view decimal, double value);

// A float literal or Infinity/-Infinity/NaN (any case, "inf" too), surrounding blanks allowed.
ParseStatus parse_double(std::string_view text, double *out);
// true/false/t/f/1/0, any case, surrounding blanks allowed.
ParseStatus parse_bool(std::string_view text, bool *out);
// 36-character dashed form or 32 hex digits into 16 bytes.
ParseStatus parse_uuid(std::string_view text, unsigned char out[16]);
// A 16-byte value formatted as the canonical dashed text.
std::string format_uuid(const unsigned char bytes[16]);

// The shortest decimal text that reads back as exactly this double; NaN, Infinity and -Infinity
// as PostgreSQL spells them.
std::string shortest_double(double value);
// The same for a finite double in scientific notation ("2.2479026791991795e+17"), whose digits
// never go beyond the shortest ones, for numeric_in: written NUL-terminated into buffer (32 bytes
// are enough) without allocating; returns buffer.
char *write_shortest_scientific(double value, char *buffer, size_t size);
// The shortest decimal digits of a float (single precision), as shortest_double spells doubles.
std::string shortest_float(float value);

// What a numeric(p,s) check needs of an exact decimal literal, read without allocating: the
// number of digits before the point and the power of ten of the last non-zero digit.
struct DecimalShape {
  bool zero = true;
  int integer_digits = 0;  // leading zeros not counted
  int highest_power = 0;   // power of ten of the first non-zero digit: 1 for 19.99, -4 for 0.00012
  int lowest_power = 0;    // e.g. -2 for 19.99, 2 for 1500
};

// "[ws][+-](digits[.digits]|.digits)[(e|E)[+-]digits][ws]", the forms numeric_in also reads.
ParseStatus parse_decimal_shape(std::string_view text, DecimalShape *out);

// Whether a decimal fits numeric(precision, scale) without rounding. precision < 0 means an
// unconstrained numeric (only PostgreSQL's own limits apply).
enum class DecimalFit { Fits, NeedsRounding, Overflows };
DecimalFit decimal_fits(const DecimalShape &d, int precision, int scale);

}  // namespace hangar
