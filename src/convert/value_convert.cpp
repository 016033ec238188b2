// Value conversion, SQLite storage class x PostgreSQL type. Integers, floats, blobs, UUIDs and
// the common ISO date/time forms are converted without a text round trip; numeric goes through
// an exact decimal check and then numeric_in; other types go through their input function.
#include "convert/value_convert.hpp"

#include "convert/row_context.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "common/int.h"
#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"
}

#include <charconv>
#include <cmath>

#include "pg/error_bridge.hpp"
#include "core/datetime_parse.hpp"
#include "core/value_parse.hpp"

namespace hangar {

namespace {

// Days from 1970-01-01 to 2000-01-01, PostgreSQL's epoch.
constexpr int64 kPgEpochDays = POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE;
constexpr int64 kUnixEpochJulianMs = INT64CONST(210866760000000);  // 2440587.5 days in milliseconds

bool fail(ConversionFailure *failure, int sqlstate, char *message, const char *hint = nullptr) {
  failure->sqlstate = sqlstate;
  failure->message = message;
  failure->hint = hint;
  return false;
}

const char *storage_class_name(int type) {
  switch (type) {
    case SQLITE_INTEGER: return "integer";
    case SQLITE_FLOAT: return "real";
    case SQLITE_TEXT: return "text";
    case SQLITE_BLOB: return "blob";
    default: return "null";
  }
}

// A SQLite column's declared type is only an affinity: any value may be stored in it.
constexpr const char *kAnyValueHint =
    "A SQLite column holds any value whatever its declared type. Read it as a type that holds this one (text "
    "holds any text): the foreign table's column type, or in hangar_migrate column_types; hangar_migrate's "
    "on_error => 'reject' leaves such rows out.";
constexpr const char *kWideIntegerHint =
    "SQLite's integers are 64-bit whatever the declared type: read the column as bigint (the foreign table's "
    "column type; hangar_migrate widens such a column itself unless column_types or type_map gives its type; a "
    "migrated table's column after ALTER TABLE ... ALTER COLUMN ... TYPE bigint).";

bool fail_class(const ColumnConverter *conv, const SqliteValue &v, ConversionFailure *failure) {
  return fail(failure, ERRCODE_INVALID_TEXT_REPRESENTATION,
              psprintf("SQLite %s value %s cannot be converted to type %s",
                       storage_class_name(v.type), describe_sqlite_value(v),
                       conv->type_name),
              kAnyValueHint);
}

bool fail_range(const ColumnConverter *conv, const SqliteValue &v, ConversionFailure *failure) {
  bool narrow_integer = v.type == SQLITE_INTEGER && (conv->kind == ConvertKind::Int2 || conv->kind == ConvertKind::Int4);
  return fail(failure, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
              psprintf("value %s is out of range for type %s", describe_sqlite_value(v), conv->type_name),
              narrow_integer ? kWideIntegerHint : nullptr);
}

bool fail_syntax(const ColumnConverter *conv, const SqliteValue &v, ConversionFailure *failure) {
  return fail(failure, ERRCODE_INVALID_TEXT_REPRESENTATION,
              psprintf("invalid input syntax for type %s: %s", conv->type_name, describe_sqlite_value(v)),
              kAnyValueHint);
}

// Valid UTF-8 without NUL, transcoded to the database encoding when that is not UTF8; *chars
// gets the number of characters.
bool checked_text(const ColumnConverter *conv, const SqliteValue &v, std::string_view bytes,
                  const char **out, int *out_len, int *chars, ConversionFailure *failure) {
  size_t bad = 0;
  size_t count = 0;
  switch (check_utf8(bytes.data(), bytes.size(), &bad, &count)) {
    case TextStatus::Ok:
      break;
    case TextStatus::ContainsNul:
      return fail(failure, ERRCODE_CHARACTER_NOT_IN_REPERTOIRE,
                  psprintf("value %s contains a NUL byte at offset %zu, which type %s cannot hold",
                           describe_sqlite_value(v), bad, conv->type_name),
                  "Read the column as bytea to keep the bytes (in hangar_migrate: column_types).");
    case TextStatus::InvalidUtf8:
      return fail(failure, ERRCODE_CHARACTER_NOT_IN_REPERTOIRE,
                  psprintf("value %s is not valid UTF-8 (invalid byte 0x%02x at offset %zu)",
                           describe_sqlite_value(v), static_cast<unsigned char>(bytes[bad]), bad),
                  "Read the column as bytea to keep the bytes (in hangar_migrate: column_types).");
  }
  if (conv->utf8_database) {
    *out = bytes.data();
    *out_len = static_cast<int>(bytes.size());
  } else {
    *out = pg_any_to_server(bytes.data(), static_cast<int>(bytes.size()), PG_UTF8);
    *out_len = static_cast<int>(strlen(*out));
  }
  *chars = static_cast<int>(count);
  return true;
}

// A REAL as SQLite itself spells it, CAST(v AS TEXT) ("100.0", "1.0e+20"), asked of a private
// in-memory SQLite connection so the spelling is the linked SQLite's own. nullptr on failure.
const char *sqlite_real_text(double real) {
  static sqlite3 *db = nullptr;
  static sqlite3_stmt *cast = nullptr;
  if (!cast) {
    if (!db && sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nullptr) != SQLITE_OK)
      return nullptr;
    if (sqlite3_prepare_v3(db, "SELECT CAST(?1 AS TEXT)", -1, SQLITE_PREPARE_PERSISTENT, &cast, nullptr) != SQLITE_OK)
      return nullptr;
  }
  sqlite3_reset(cast);
  sqlite3_bind_double(cast, 1, real);
  if (sqlite3_step(cast) != SQLITE_ROW) return nullptr;
  return pstrdup(reinterpret_cast<const char *>(sqlite3_column_text(cast, 0)));
}

// A REAL as text that reads back as exactly that REAL: as SQLite spells it when that does (SQLite
// before 3.43 keeps 15 significant digits: 0.30000000000000004 is "0.3"), else its shortest
// round-trip digits, with ".0" where SQLite would write one ("1000000000000001.0"). nullptr on
// failure.
const char *exact_real_text(double real) {
  const char *spelled = sqlite_real_text(real);
  if (!spelled || !std::isfinite(real) || strtod(spelled, nullptr) == real) return spelled;
  char digits[48];
  // the shortest digits that read back, in the notation SQLite's %g would choose
  double magnitude = std::fabs(real);
  bool scientific = magnitude >= 1e15 || (magnitude < 1e-4 && magnitude > 0);
  char *end = std::to_chars(digits, digits + 40, real, scientific ? std::chars_format::scientific : std::chars_format::fixed).ptr;
  *end = '\0';
  if (!strchr(digits, '.')) {
    char *exponent = strchr(digits, 'e');
    char *at = exponent ? exponent : end;
    memmove(at + 2, at, static_cast<size_t>(end - at) + 1);
    at[0] = '.';
    at[1] = '0';
  }
  return pstrdup(digits);
}

// The value's text form: text and blobs as their bytes, integers exactly, reals as SQLite spells
// them. The text is followed by a NUL byte for every storage class but blob.
bool value_as_text(const ColumnConverter *conv, const SqliteValue &v, const char **out, int *out_len,
                   int *chars, ConversionFailure *failure) {
  switch (v.type) {
    case SQLITE_INTEGER: {
      char *s = psprintf(INT64_FORMAT, static_cast<int64>(v.integer));
      *out = s;
      *out_len = *chars = static_cast<int>(strlen(s));
      return true;
    }
    case SQLITE_FLOAT: {
      const char *s = exact_real_text(v.real);
      if (!s) return fail(failure, ERRCODE_INTERNAL_ERROR, psprintf("could not spell %s as text", describe_sqlite_value(v)));
      *out = s;
      *out_len = *chars = static_cast<int>(strlen(s));
      return true;
    }
    case SQLITE_BLOB:
      return checked_text(conv, v, v.content(), out, out_len, chars, failure);
    default:
      return checked_text(conv, v, v.content(), out, out_len, chars, failure);
  }
}

bool convert_integer(const ColumnConverter *conv, const SqliteValue &v, Datum *value,
                     ConversionFailure *failure) {
  int64 n = 0;
  switch (v.type) {
    case SQLITE_INTEGER:
      n = v.integer;
      break;
    case SQLITE_FLOAT: {
      double d = v.real;
      if (!std::isfinite(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
        return fail_range(conv, v, failure);
      if (d != std::floor(d))
        return fail(failure, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
                    psprintf("value %s has a fractional part; type %s would round it",
                             describe_sqlite_value(v), conv->type_name),
                    "Read the column as numeric or double precision (in hangar_migrate: column_types).");
      n = static_cast<int64>(d);
      break;
    }
    case SQLITE_TEXT:
      switch (parse_int64(v.content(), &n)) {
        case ParseStatus::Ok: break;
        case ParseStatus::OutOfRange: return fail_range(conv, v, failure);
        case ParseStatus::Invalid: return fail_syntax(conv, v, failure);
      }
      break;
    default:
      return fail_class(conv, v, failure);
  }
  switch (conv->kind) {
    case ConvertKind::Int2:
      if (n < PG_INT16_MIN || n > PG_INT16_MAX) return fail_range(conv, v, failure);
      *value = Int16GetDatum(static_cast<int16>(n));
      return true;
    case ConvertKind::Int4:
      if (n < PG_INT32_MIN || n > PG_INT32_MAX) return fail_range(conv, v, failure);
      *value = Int32GetDatum(static_cast<int32>(n));
      return true;
    default:
      *value = Int64GetDatum(n);
      return true;
  }
}

bool convert_float(const ColumnConverter *conv, const SqliteValue &v, Datum *value,
                   ConversionFailure *failure) {
  double d = 0;
  switch (v.type) {
    case SQLITE_INTEGER: {
      d = static_cast<double>(v.integer);
      if (d >= 9223372036854775808.0 || static_cast<int64>(d) != v.integer)
        return fail(failure, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
                    psprintf("integer %s cannot be represented exactly in type %s",
                             describe_sqlite_value(v), conv->type_name),
                    "Read the column as bigint or numeric (in hangar_migrate: column_types).");
      break;
    }
    case SQLITE_FLOAT:
      d = v.real;
      break;
    case SQLITE_TEXT:
      switch (parse_double(v.content(), &d)) {
        case ParseStatus::Ok: break;
        case ParseStatus::OutOfRange: return fail_range(conv, v, failure);
        case ParseStatus::Invalid: return fail_syntax(conv, v, failure);
      }
      break;
    default:
      return fail_class(conv, v, failure);
  }
  if (conv->kind == ConvertKind::Float4) {
    // One rule for every source: the shortest decimal that reads back as the value must be the
    // same for the double SQLite has and for the real PostgreSQL would keep. 19.99 passes;
    // 0.1000000001 (which a real keeps as 0.1) and 16777217 (16777216) do not.
    float f = static_cast<float>(d);
    if (!std::isnan(d) && (std::isinf(f) != std::isinf(d) || shortest_float(f) != shortest_double(d)))
      return fail(failure, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
                  psprintf("value %s cannot be represented exactly in type real", describe_sqlite_value(v)),
                  "Read the column as double precision (in hangar_migrate: column_types).");
    *value = Float4GetDatum(f);
    return true;
  }
  *value = Float8GetDatum(d);
  return true;
}

bool convert_numeric(const ColumnConverter *conv, const SqliteValue &v, Datum *value, ConversionFailure *failure) {
  if (v.type != SQLITE_INTEGER && v.type != SQLITE_FLOAT && v.type != SQLITE_TEXT) return fail_class(conv, v, failure);
  // The exact decimal as text numeric_in reads: integers and reals written exactly (a real by
  // the shortest text that reads back as the same double), text as stored.
  char buffer[64];
  const char *text = buffer;
  double f = 0;
  if (v.type == SQLITE_INTEGER) {
    *std::to_chars(buffer, buffer + sizeof buffer - 1, v.integer).ptr = '\0';
  } else if (v.type == SQLITE_FLOAT) {
    f = v.real;
    if (std::isfinite(f)) write_shortest_scientific(f, buffer, sizeof buffer);  // 2.2479026791991795e17 is 224790267919917950
  } else {
    text = v.bytes;
    if (parse_double(v.content(), &f) != ParseStatus::Ok) f = 0;
  }
  if (!std::isfinite(f)) {  // NaN and the infinities, which numeric has but a numeric(p,s) does not
    if (!std::isnan(f) && conv->numeric_precision >= 0) return fail_range(conv, v, failure);
    text = std::isnan(f) ? "NaN" : f > 0 ? "Infinity" : "-Infinity";
  } else {
    DecimalShape shape;
    if (parse_decimal_shape(text, &shape) != ParseStatus::Ok) return fail_syntax(conv, v, failure);
    switch (decimal_fits(shape, conv->numeric_precision, conv->numeric_scale)) {
      case DecimalFit::Fits:
        break;
      case DecimalFit::NeedsRounding:
        return fail(failure, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
                    psprintf("value %s has more fractional digits than type %s keeps; it would be rounded",
                             describe_sqlite_value(v), conv->type_name),
                    "Read the column as numeric with a larger scale (in hangar_migrate: column_types).");
      case DecimalFit::Overflows:
        return fail_range(conv, v, failure);
    }
  }
  *value = DirectFunctionCall3(numeric_in, CStringGetDatum(text), ObjectIdGetDatum(InvalidOid),
                               Int32GetDatum(conv->typmod));
  return true;
}

bool convert_bool(const ColumnConverter *conv, const SqliteValue &v, Datum *value,
                  ConversionFailure *failure) {
  bool b = false;
  switch (v.type) {
    case SQLITE_INTEGER: {
      if (v.integer != 0 && v.integer != 1) return fail_syntax(conv, v, failure);
      b = v.integer == 1;
      break;
    }
    case SQLITE_TEXT:
      if (parse_bool(v.content(), &b) != ParseStatus::Ok) return fail_syntax(conv, v, failure);
      break;
    default:
      return fail_class(conv, v, failure);
  }
  *value = BoolGetDatum(b);
  return true;
}

bool convert_text(const ColumnConverter *conv, const SqliteValue &v, Datum *value,
                  ConversionFailure *failure) {
  const char *chars_in;
  int len;
  int chars;
  if (!value_as_text(conv, v, &chars_in, &len, &chars, failure)) return false;
  // char(n) treats trailing spaces as padding: a value padded to exactly n characters is char(n)'s
  // own form and arrives as it is; a shorter one ending in spaces would become the value without them.
  if (conv->kind == ConvertKind::Bpchar && len > 0 && chars_in[len - 1] == ' ' && chars != conv->max_chars)
    return fail(failure, ERRCODE_STRING_DATA_RIGHT_TRUNCATION,
                psprintf("value %s ends in spaces but is shorter than type %s, which does not keep them apart "
                         "from the value without them",
                         describe_sqlite_value(v), conv->type_name),
                "Read the column as varchar(n) or text (in hangar_migrate: column_types).");
  if (conv->max_chars >= 0) {
    if (chars > conv->max_chars)
      return fail(failure, ERRCODE_STRING_DATA_RIGHT_TRUNCATION,
                  psprintf("value %s is %d characters long; type %s holds %d", describe_sqlite_value(v),
                           chars, conv->type_name, conv->max_chars),
                  "Read the column as text or a longer varchar (in hangar_migrate: column_types).");
    if (conv->kind == ConvertKind::Bpchar && chars < conv->max_chars) {
      int pad = conv->max_chars - chars;
      text *result = static_cast<text *>(palloc(VARHDRSZ + len + pad));
      SET_VARSIZE(result, VARHDRSZ + len + pad);
      memcpy(VARDATA(result), chars_in, len);
      memset(VARDATA(result) + len, ' ', pad);
      *value = PointerGetDatum(result);
      return true;
    }
  }
  *value = PointerGetDatum(cstring_to_text_with_len(chars_in, len));
  return true;
}

// A value as SQLite's CAST(v AS BLOB) gives it: a blob's bytes, text's bytes, an integer's or a
// real's text as SQLite spells it (a BLOB column, like any, may hold any value).
bool convert_bytea(const ColumnConverter *conv, const SqliteValue &v, Datum *value,
                   ConversionFailure *failure) {
  std::string_view bytes;
  switch (v.type) {
    case SQLITE_BLOB:
    case SQLITE_TEXT: bytes = v.content(); break;
    case SQLITE_INTEGER:
      bytes = psprintf(INT64_FORMAT, static_cast<int64>(v.integer));
      failure->noted = NotedConversion::NumberAsText;
      break;
    case SQLITE_FLOAT: {
      const char *spelled = exact_real_text(v.real);
      if (!spelled) return fail(failure, ERRCODE_INTERNAL_ERROR, psprintf("could not spell %s as text", describe_sqlite_value(v)));
      bytes = spelled;
      failure->noted = NotedConversion::NumberAsText;
      break;
    }
    default: return fail_class(conv, v, failure);
  }
  bytea *result = static_cast<bytea *>(palloc(VARHDRSZ + bytes.size()));
  SET_VARSIZE(result, VARHDRSZ + bytes.size());
  if (!bytes.empty()) memcpy(VARDATA(result), bytes.data(), bytes.size());
  *value = PointerGetDatum(result);
  return true;
}

bool convert_json(const ColumnConverter *conv, const SqliteValue &v, Datum *value,
                  ConversionFailure *failure) {
  const char *text;
  int len;
  if (v.type == SQLITE_BLOB) return fail_class(conv, v, failure);
  if (v.type == SQLITE_FLOAT && !std::isfinite(v.real))
    return fail(failure, ERRCODE_INVALID_TEXT_REPRESENTATION,
                psprintf("value %s cannot be represented in JSON", describe_sqlite_value(v)));
  int chars;
  if (v.type == SQLITE_FLOAT) {  // a JSON number: the shortest digits that read back the same
    text = palloc_string(shortest_double(v.real));
    len = static_cast<int>(strlen(text));
  } else if (!value_as_text(conv, v, &text, &len, &chars, failure)) {
    return false;
  }
  char *json = const_cast<char *>(text);  // NUL-terminated (not a blob); only read
#if PG_VERSION_NUM >= 170000
  JsonLexContext *lex = makeJsonLexContextCstringLen(nullptr, json, len, GetDatabaseEncoding(), false);
#else
  JsonLexContext *lex = makeJsonLexContextCstringLen(json, len, GetDatabaseEncoding(), false);
#endif
  if (pg_parse_json(lex, &nullSemAction) != JSON_SUCCESS) return fail_syntax(conv, v, failure);
  if (conv->kind == ConvertKind::Jsonb)
    *value = DirectFunctionCall1(jsonb_in, CStringGetDatum(json));
  else
    *value = PointerGetDatum(cstring_to_text_with_len(json, len));
  return true;
}

bool convert_uuid(const ColumnConverter *conv, const SqliteValue &v, Datum *value,
                  ConversionFailure *failure) {
  pg_uuid_t *uuid = static_cast<pg_uuid_t *>(palloc(sizeof(pg_uuid_t)));
  switch (v.type) {
    case SQLITE_TEXT:
      if (parse_uuid(v.content(), uuid->data) != ParseStatus::Ok)
        return fail_syntax(conv, v, failure);
      break;
    case SQLITE_BLOB: {
      std::string_view bytes = v.content();
      if (bytes.size() != UUID_LEN) return fail_syntax(conv, v, failure);
      memcpy(uuid->data, bytes.data(), UUID_LEN);
      break;
    }
    default:
      return fail_class(conv, v, failure);
  }
  *value = UUIDPGetDatum(uuid);
  return true;
}

// Microseconds since the Unix epoch from a number in the column's datetime unit.
bool epoch_microseconds(const ColumnConverter *conv, const SqliteValue &v, int64 *out,
                        ConversionFailure *failure) {
  bool ok = true;
  if (v.type == SQLITE_INTEGER) {
    int64 n = v.integer;
    switch (conv->datetime_unit) {
      case DatetimeUnit::UnixSeconds: ok = !pg_mul_s64_overflow(n, USECS_PER_SEC, out); break;
      case DatetimeUnit::UnixMilliseconds: ok = !pg_mul_s64_overflow(n, 1000, out); break;
      case DatetimeUnit::JulianDay:
        ok = !pg_sub_s64_overflow(n, UNIX_EPOCH_JDATE, out) && !pg_mul_s64_overflow(*out, USECS_PER_DAY, out) &&
             !pg_add_s64_overflow(*out, USECS_PER_DAY / 2, out);
        break;
    }
  } else {
    double d = v.real;
    int64 per_unit = USECS_PER_SEC;
    switch (conv->datetime_unit) {
      case DatetimeUnit::UnixSeconds: break;
      case DatetimeUnit::UnixMilliseconds: per_unit = 1000; break;
      case DatetimeUnit::JulianDay: {
        // SQLite reads a julian day to the millisecond: iJD = (int64)(d * 86400000 + 0.5).
        double ms = d * 86400000.0 + 0.5;
        ok = std::isfinite(ms) && std::fabs(ms) < 9.2e15;
        if (ok) *out = (static_cast<int64>(ms) - kUnixEpochJulianMs) * 1000;
        if (!ok) return fail_range(conv, v, failure);
        return true;
      }
    }
    // Rounded once, to the nearest microsecond: the whole units and the fraction apart (both
    // exact in a double), since d * 1e6 would round to a double first (1700000000.0000005,
    // which is 0.47 us past the second, became 1 us).
    double whole = std::trunc(d);
    ok = std::isfinite(d) && std::fabs(whole) < 9.2e18 / static_cast<double>(per_unit) &&
         !pg_mul_s64_overflow(static_cast<int64>(whole), per_unit, out) &&
         !pg_add_s64_overflow(*out, std::llround((d - whole) * static_cast<double>(per_unit)), out);
  }
  if (!ok) return fail_range(conv, v, failure);
  return true;
}

bool fail_datetime(const ColumnConverter *conv, const SqliteValue &v, DateTimeStatus status,
                   ConversionFailure *failure) {
  switch (status) {
    case DateTimeStatus::OutOfRange:
      return fail(failure, ERRCODE_DATETIME_FIELD_OVERFLOW,
                  psprintf("date/time field value out of range: %s", describe_sqlite_value(v)));
    case DateTimeStatus::TooPrecise:
      return fail(failure, ERRCODE_DATETIME_FIELD_OVERFLOW,
                  psprintf("value %s has more fractional seconds than type %s keeps; it would be rounded",
                           describe_sqlite_value(v), conv->type_name),
                  "PostgreSQL's times keep microseconds (Rust's chrono and Go write nanoseconds). A type with a "
                  "precision rounds them as PostgreSQL's input does: in hangar_migrate type_map => "
                  "'{\"timestamp\": \"timestamp(6)\"}' (or column_types, or the foreign table's column type); "
                  "text keeps every digit; on_error => 'reject' leaves such rows out.");
    default:
      return fail(failure, ERRCODE_INVALID_DATETIME_FORMAT,
                  psprintf("invalid input syntax for type %s: %s", conv->type_name, describe_sqlite_value(v)),
                  "hangar_fdw reads ISO-8601 text (YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][zone]) and numbers "
                  "in the column's datetime_unit.");
  }
}

// Microseconds us within the column's precision (a unit of 10^(6 - digits) us): refused when
// they are not, unless the precision was declared, and then rounded to it, halves away from
// zero, as PostgreSQL's AdjustTimestampForTypmod does.
bool fits_precision(const ColumnConverter *conv, const SqliteValue &v, int64 unit, int64 *us,
                    ConversionFailure *failure) {
  if (*us % unit == 0) return true;
  if (!conv->round_fraction) return fail_datetime(conv, v, DateTimeStatus::TooPrecise, failure);
  int64 half = unit / 2;
  *us = *us >= 0 ? (*us + half) / unit * unit : -((-*us + half) / unit * unit);
  failure->noted = NotedConversion::Rounded;
  return true;
}

// Seconds a local time in zone tz is ahead of UTC (PostgreSQL's DetermineTimeZoneOffset
// returns seconds west, hence the sign).
int zone_offset_seconds(const DateTimeFields &f, pg_tz *tz) {
  struct pg_tm tm = {};
  tm.tm_year = f.year;
  tm.tm_mon = f.month;
  tm.tm_mday = f.day;
  tm.tm_hour = f.hour;
  tm.tm_min = f.minute;
  tm.tm_sec = f.second;
  return -DetermineTimeZoneOffset(&tm, tz);
}

bool convert_datetime(const ColumnConverter *conv, const SqliteValue &v, Datum *value,
                      ConversionFailure *failure) {
  int64 unix_us = 0;  // microseconds since 1970-01-01 00:00 (UTC for timestamptz)
  int64 time_of_day_us = 0;
  if (v.type == SQLITE_INTEGER || v.type == SQLITE_FLOAT) {
    if (conv->kind == ConvertKind::Time) return fail_class(conv, v, failure);
    if (!epoch_microseconds(conv, v, &unix_us, failure)) return false;
  } else if (v.type == SQLITE_TEXT) {
    DateTimeFields f;
    DateTimeStatus status = parse_iso_datetime(v.content(), &f);
    if (status == DateTimeStatus::TooPrecise && conv->round_fraction) {
      f.microsecond = f.microsecond_rounded;  // 1000000 carries into the seconds below
      failure->noted = NotedConversion::Rounded;
      status = DateTimeStatus::Ok;
    }
    if (status == DateTimeStatus::TooPrecise && f.has_zone && conv->kind != ConvertKind::TimestampTz)
      return fail(failure, ERRCODE_DATETIME_FIELD_OVERFLOW,
                  psprintf("value %s has more fractional seconds than type %s keeps, and a time zone it would drop",
                           describe_sqlite_value(v), conv->type_name));
    if (status != DateTimeStatus::Ok) return fail_datetime(conv, v, status, failure);
    bool wants_date = conv->kind != ConvertKind::Time;
    if (f.has_date && !wants_date)
      return fail(failure, ERRCODE_INVALID_DATETIME_FORMAT,
                  psprintf("value %s has a date, which type %s would drop", describe_sqlite_value(v), conv->type_name),
                  "Read the column as timestamp (in hangar_migrate: column_types).");
    if (!f.has_date && wants_date)
      return fail(failure, ERRCODE_INVALID_DATETIME_FORMAT,
                  psprintf("value %s is a time of day without a date, which type %s needs",
                           describe_sqlite_value(v), conv->type_name),
                  "Read the column as time, or as text (in hangar_migrate: column_types).");
    if (f.has_zone && conv->kind != ConvertKind::TimestampTz) {
      fail(failure, ERRCODE_INVALID_DATETIME_FORMAT,
           psprintf("value %s has a time zone, which type %s would drop", describe_sqlite_value(v), conv->type_name),
           "Read the column as timestamptz to keep the instant (hangar_migrate does, unless column_types or type_map "
           "gives its type).");
      failure->zone_dropped = conv->kind == ConvertKind::Timestamp;
      return false;
    }
    time_of_day_us = ((f.hour * INT64CONST(60) + f.minute) * 60 + f.second) * USECS_PER_SEC + f.microsecond;
    if (wants_date) {
      unix_us = days_from_civil(f.year, f.month, f.day) * USECS_PER_DAY + time_of_day_us;
      if (conv->kind == ConvertKind::TimestampTz) {
        int offset = f.has_zone ? f.zone_offset_seconds : conv->timezone ? zone_offset_seconds(f, conv->timezone) : 0;
        unix_us -= offset * USECS_PER_SEC;
      }
    }
  } else {
    return fail_class(conv, v, failure);
  }
  int64 precision_unit = 1;
  for (int i = conv->fraction_digits; i < 6; ++i) precision_unit *= 10;
  if (conv->kind == ConvertKind::Time) {
    if (!fits_precision(conv, v, precision_unit, &time_of_day_us, failure)) return false;
    *value = TimeADTGetDatum(time_of_day_us);
    return true;
  }
  int64 pg_us = unix_us - kPgEpochDays * USECS_PER_DAY;
  if (conv->kind == ConvertKind::Date) {
    if (pg_us % USECS_PER_DAY != 0 || time_of_day_us == USECS_PER_DAY)
      return fail(failure, ERRCODE_INVALID_DATETIME_FORMAT,
                  psprintf("value %s has a time of day, which type date would drop", describe_sqlite_value(v)),
                  "Read the column as timestamp (in hangar_migrate: column_types).");
    int64 days = pg_us / USECS_PER_DAY;
    if (!IS_VALID_DATE(days)) return fail_datetime(conv, v, DateTimeStatus::OutOfRange, failure);
    *value = DateADTGetDatum(static_cast<DateADT>(days));
    return true;
  }
  if (!fits_precision(conv, v, precision_unit, &pg_us, failure)) return false;
  if (!IS_VALID_TIMESTAMP(pg_us)) return fail_datetime(conv, v, DateTimeStatus::OutOfRange, failure);
  *value = TimestampGetDatum(pg_us);
  return true;
}

bool convert_generic(const ColumnConverter *conv, const SqliteValue &v, Datum *value,
                     ConversionFailure *failure) {
  const char *text;
  int len;
  int chars;
  if (!value_as_text(conv, v, &text, &len, &chars, failure)) return false;
  *value = InputFunctionCall(const_cast<FmgrInfo *>(&conv->input), pnstrdup(text, len), conv->input_ioparam,
                             conv->typmod);
  return true;
}

// Bits: text through bit_in ('1011'); an integer as its binary digits, as PostgreSQL's
// integer::bit(n) makes them, when they fit in n bits (11 is B'1011' in bit(4)).
bool convert_bits(const ColumnConverter *conv, const SqliteValue &v, Datum *value, ConversionFailure *failure) {
  if (v.type != SQLITE_INTEGER) return convert_generic(conv, v, value, failure);
  if (conv->kind == ConvertKind::VarBit)
    return fail(failure, ERRCODE_INVALID_TEXT_REPRESENTATION,
                psprintf("integer %s cannot be read as type bit varying, which gives it no length",
                         describe_sqlite_value(v)),
                "Read the column as bit(n) (in hangar_migrate: column_types), or store the bits as text such as '1011'.");
  int bits = conv->typmod > 0 ? conv->typmod : 1;
  if (bits < 64 && (v.integer < 0 || v.integer >= (INT64CONST(1) << bits)))
    return fail(failure, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
                psprintf("integer %s needs more bits than type %s has", describe_sqlite_value(v), conv->type_name));
  *value = DirectFunctionCall2(bitfromint8, Int64GetDatum(v.integer), Int32GetDatum(bits));
  return true;
}

ConvertKind kind_for_type(Oid type_oid) {
  switch (type_oid) {
    case INT2OID: return ConvertKind::Int2;
    case INT4OID: return ConvertKind::Int4;
    case INT8OID: return ConvertKind::Int8;
    case FLOAT4OID: return ConvertKind::Float4;
    case FLOAT8OID: return ConvertKind::Float8;
    case NUMERICOID: return ConvertKind::Numeric;
    case BOOLOID: return ConvertKind::Bool;
    case TEXTOID: return ConvertKind::Text;
    case VARCHAROID: return ConvertKind::Varchar;
    case BPCHAROID: return ConvertKind::Bpchar;
    case BYTEAOID: return ConvertKind::Bytea;
    case TIMESTAMPOID: return ConvertKind::Timestamp;
    case TIMESTAMPTZOID: return ConvertKind::TimestampTz;
    case DATEOID: return ConvertKind::Date;
    case TIMEOID: return ConvertKind::Time;
    case JSONOID: return ConvertKind::Json;
    case JSONBOID: return ConvertKind::Jsonb;
    case UUIDOID: return ConvertKind::Uuid;
    case BITOID: return ConvertKind::Bit;
    case VARBITOID: return ConvertKind::VarBit;
    default: return ConvertKind::Generic;
  }
}

}  // namespace

void convert_columns(sqlite3_stmt *stmt, int first, int ncolumns, const AttrNumber *attnums,
                     const ColumnConverter *converters, RowContext *row, Datum *values, bool *isnull) {
  ErrorContextCallback error_context;
  error_context.callback = row_error_context;
  error_context.arg = row;
  error_context.previous = error_context_stack;
  error_context_stack = &error_context;
  for (int i = 0; i < ncolumns; ++i) {
    row->current_column = i;
    int attindex = attnums[i] - 1;
    ConversionFailure failure;
    if (!convert_value(&converters[i], read_sqlite_value(stmt, first + i), &values[attindex], &isnull[attindex],
                       &failure))
      raise_conversion_failure(failure);
  }
  row->current_column = -1;
  error_context_stack = error_context.previous;
}

void convert_row(sqlite3_stmt *stmt, int ncolumns, const AttrNumber *attnums, const ColumnConverter *converters,
                 RowContext *row, int natts, Datum *values, bool *isnull) {
  memset(isnull, true, sizeof(bool) * natts);
  convert_columns(stmt, 0, ncolumns, attnums, converters, row, values, isnull);
}

void store_converted_row(sqlite3_stmt *stmt, int ncolumns, const AttrNumber *attnums,
                         const ColumnConverter *converters, RowContext *row, TupleTableSlot *slot) {
  convert_row(stmt, ncolumns, attnums, converters, row, slot->tts_tupleDescriptor->natts, slot->tts_values,
              slot->tts_isnull);
  ExecStoreVirtualTuple(slot);
}

void converter_init(ColumnConverter *conv, Oid type_oid, int32 typmod, const ColumnOptions &column,
                    const ServerOptions &server) {
  memset(conv, 0, sizeof(*conv));
  conv->kind = kind_for_type(type_oid);
  conv->type_oid = type_oid;
  conv->typmod = typmod;
  conv->type_name = format_type_with_typemod(type_oid, typmod);
  conv->numeric_precision = -1;
  conv->max_chars = -1;
  conv->fraction_digits = 6;
  conv->datetime_unit = column.datetime_unit;
  conv->timezone = column.timezone ? column.timezone : server.timezone;
  conv->utf8_database = GetDatabaseEncoding() == PG_UTF8;
  switch (conv->kind) {
    case ConvertKind::Numeric:
      if (typmod >= static_cast<int32>(VARHDRSZ)) {
        conv->numeric_precision = ((typmod - VARHDRSZ) >> 16) & 0xffff;
        conv->numeric_scale = (((typmod - VARHDRSZ) & 0x7ff) ^ 1024) - 1024;
      }
      break;
    case ConvertKind::Varchar:
    case ConvertKind::Bpchar:
      if (typmod >= static_cast<int32>(VARHDRSZ)) conv->max_chars = typmod - VARHDRSZ;
      break;
    case ConvertKind::Timestamp:
    case ConvertKind::TimestampTz:
    case ConvertKind::Time:
      if (typmod >= 0 && typmod < 6) conv->fraction_digits = typmod;
      conv->round_fraction = typmod >= 0;
      break;
    default:
      break;
  }
  Oid input_oid;
  getTypeInputInfo(type_oid, &input_oid, &conv->input_ioparam);
  fmgr_info(input_oid, &conv->input);
}

bool convert_value(const ColumnConverter *conv, const SqliteValue &v, Datum *value, bool *isnull,
                   ConversionFailure *failure) {
  *isnull = false;
  if (v.type == SQLITE_NULL) {
    *isnull = true;
    *value = (Datum)0;
    return true;
  }
  switch (conv->kind) {
    case ConvertKind::Int2:
    case ConvertKind::Int4:
    case ConvertKind::Int8: return convert_integer(conv, v, value, failure);
    case ConvertKind::Float4:
    case ConvertKind::Float8: return convert_float(conv, v, value, failure);
    case ConvertKind::Numeric: return convert_numeric(conv, v, value, failure);
    case ConvertKind::Bool: return convert_bool(conv, v, value, failure);
    case ConvertKind::Text:
    case ConvertKind::Varchar:
    case ConvertKind::Bpchar: return convert_text(conv, v, value, failure);
    case ConvertKind::Bytea: return convert_bytea(conv, v, value, failure);
    case ConvertKind::Timestamp:
    case ConvertKind::TimestampTz:
    case ConvertKind::Date:
    case ConvertKind::Time: return convert_datetime(conv, v, value, failure);
    case ConvertKind::Json:
    case ConvertKind::Jsonb: return convert_json(conv, v, value, failure);
    case ConvertKind::Uuid: return convert_uuid(conv, v, value, failure);
    case ConvertKind::Bit:
    case ConvertKind::VarBit: return convert_bits(conv, v, value, failure);
    case ConvertKind::Generic: return convert_generic(conv, v, value, failure);
  }
  return convert_generic(conv, v, value, failure);
}

void raise_conversion_failure(const ConversionFailure &failure) {
  ereport(ERROR, (errcode(failure.sqlstate), errmsg("%s", failure.message),
                  failure.hint ? errhint("%s", failure.hint) : 0));
  pg_unreachable();
}

}  // namespace hangar
