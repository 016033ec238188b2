// PostgreSQL value -> SQLite value for writes (see value_write.hpp). Integers, floats, booleans,
// blobs and date/time values are bound without a text round trip; numeric goes through its text
// and an exactness check; other types are written as their PostgreSQL text.
#include "convert/value_write.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"
#if PG_VERSION_NUM >= 160000
#include "varatt.h"  // VARDATA_ANY and VARSIZE_ANY_EXHDR left postgres.h in PostgreSQL 16
#endif
}

#include <charconv>
#include <cmath>
#include <string>

#include "core/value_parse.hpp"

namespace hangar {

namespace {

constexpr int64 kUnixEpochOffsetMicros = (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
constexpr int64 kLargestExactDoubleInteger = INT64CONST(9007199254740992);  // 2^53
constexpr double kUnixEpochJulianDay = 2440587.5;

WriteKind kind_for_type(Oid type_oid) {
  switch (type_oid) {
    case INT2OID:
    case INT4OID:
    case INT8OID: return WriteKind::Integer;
    case BOOLOID: return WriteKind::Bool;
    case FLOAT4OID: return WriteKind::Float4;
    case FLOAT8OID: return WriteKind::Float8;
    case NUMERICOID: return WriteKind::Numeric;
    case BYTEAOID: return WriteKind::Bytea;
    case TEXTOID:
    case VARCHAROID:
    case BPCHAROID:
    case NAMEOID: return WriteKind::Text;
    case TIMESTAMPOID: return WriteKind::Timestamp;
    case TIMESTAMPTZOID: return WriteKind::TimestampTz;
    case DATEOID: return WriteKind::Date;
    case TIMEOID: return WriteKind::Time;
    case UUIDOID: return WriteKind::Uuid;
    default: return WriteKind::Output;
  }
}

[[noreturn]] void refuse(const ValueWriter *writer, int sqlstate, const char *value, const char *reason) {
  ereport(ERROR, (errcode(sqlstate),
                  errmsg("value %s cannot be written exactly into SQLite column \"%s\" of table \"%s\"", value,
                         writer->column, writer->table),
                  errdetail("%s", reason)));
  pg_unreachable();
}

void check_bind(sqlite3_stmt *stmt, int rc) {
  if (rc != SQLITE_OK) report_sqlite_error(sqlite3_db_handle(stmt), rc, "could not bind a value for SQLite");
}

void bind_string(sqlite3_stmt *stmt, int index, const std::string &text) {
  bind_server_text(stmt, index, text.data(), static_cast<int>(text.size()));
}

void bind_integer(const ValueWriter *writer, sqlite3_stmt *stmt, int index, int64 v) {
  // A REAL column turns an integer into a double, which holds every integer only up to 2^53.
  if (writer->affinity == Affinity::Real && (v > kLargestExactDoubleInteger || v < -kLargestExactDoubleInteger))
    refuse(writer, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, psprintf(INT64_FORMAT, v),
           "The column has REAL affinity, and a double holds integers exactly only up to 2^53.");
  check_bind(stmt, sqlite3_bind_int64(stmt, index, v));
}

void bind_double(const ValueWriter *writer, sqlite3_stmt *stmt, int index, double v) {
  if (std::isnan(v)) refuse(writer, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, "NaN", "SQLite stores NaN as NULL.");
  // A TEXT column would spell the double with 15 digits; the shortest exact text keeps it.
  if (writer->affinity == Affinity::Text)
    bind_string(stmt, index, shortest_double(v));
  else
    check_bind(stmt, sqlite3_bind_double(stmt, index, v));
}

// A real as the double its shortest decimal reads as: 19.99 for the real 19.99, not the
// 19.989999771118164 the real holds in binary. That is the value PostgreSQL shows, and the one a
// real column is read back to (hangar_migrate takes a double into a real only when the two have
// the same shortest decimal).
double real_as_double(float f) {
  if (std::isnan(f) || std::isinf(f)) return static_cast<double>(f);
  std::string text = shortest_float(f);
  double d = 0;
  std::from_chars(text.data(), text.data() + text.size(), d);
  return d;
}

// numeric: an integer where it is one and fits, else a double where that is exact; a TEXT
// column (or one with no affinity, which keeps text as it is) gets the exact text instead.
void bind_numeric(const ValueWriter *writer, sqlite3_stmt *stmt, int index, Datum value) {
  char *text = OutputFunctionCall(const_cast<FmgrInfo *>(&writer->output), value);
  if (strcmp(text, "NaN") == 0) refuse(writer, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, text, "SQLite stores NaN as NULL.");
  if (writer->affinity == Affinity::Text) return bind_server_text(stmt, index, text, static_cast<int>(strlen(text)));
  bool is_infinite = strcmp(text, "Infinity") == 0 || strcmp(text, "-Infinity") == 0;
  // numeric_out spells digits[.digits]: whole when the fraction is all zeros.
  const char *point = strchr(text, '.');
  if (!is_infinite && (!point || strspn(point + 1, "0") == strlen(point + 1))) {
    errno = 0;
    long long integer = strtoll(text, nullptr, 10);
    if (errno == 0) return bind_integer(writer, stmt, index, integer);
  }
  double d = strtod(text, nullptr);
  if (is_infinite || decimal_equals_double(text, d)) return bind_double(writer, stmt, index, d);
  if (writer->affinity == Affinity::Blob) return bind_server_text(stmt, index, text, static_cast<int>(strlen(text)));
  refuse(writer, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, text,
         "SQLite would store it as a REAL (the column's affinity makes numbers REAL), and no double equals it.");
}

// A moment as epoch seconds, milliseconds or a julian day, as the column's numbers are.
void bind_epoch(const ValueWriter *writer, sqlite3_stmt *stmt, int index, int64 pg_micros) {
  int64 micros = pg_micros + kUnixEpochOffsetMicros;
  switch (writer->datetime_unit) {
    case DatetimeUnit::UnixSeconds:
      if (micros % USECS_PER_SEC == 0) return check_bind(stmt, sqlite3_bind_int64(stmt, index, micros / USECS_PER_SEC));
      return check_bind(stmt, sqlite3_bind_double(stmt, index, static_cast<double>(micros) / USECS_PER_SEC));
    case DatetimeUnit::UnixMilliseconds:
      if (micros % 1000 == 0) return check_bind(stmt, sqlite3_bind_int64(stmt, index, micros / 1000));
      return check_bind(stmt, sqlite3_bind_double(stmt, index, static_cast<double>(micros) / 1000.0));
    case DatetimeUnit::JulianDay:
      return check_bind(stmt, sqlite3_bind_double(stmt, index,
                                                  static_cast<double>(micros) / USECS_PER_DAY + kUnixEpochJulianDay));
  }
}

DateTimeFields fields_of(const struct pg_tm &tm, fsec_t fsec, int tzoff) {
  DateTimeFields f;
  f.year = tm.tm_year, f.month = tm.tm_mon, f.day = tm.tm_mday;
  f.hour = tm.tm_hour, f.minute = tm.tm_min, f.second = tm.tm_sec;
  f.microsecond = static_cast<int>(fsec);
  f.utc_offset_seconds = -tzoff;  // PostgreSQL counts seconds west of UTC
  return f;
}

void check_year(const ValueWriter *writer, const DateTimeFields &f, const char *text) {
  if (f.year < 1 || f.year > 9999)
    refuse(writer, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, text,
           "SQLite's date functions and the app's datetime types handle years 1 to 9999 only.");
}

// The value's PostgreSQL text, for messages only (spelling it costs more than writing it).
const char *timestamp_text(Datum value, bool with_zone) {
  return DatumGetCString(with_zone ? DirectFunctionCall1(timestamptz_out, value) : DirectFunctionCall1(timestamp_out, value));
}

void bind_timestamp(const ValueWriter *writer, sqlite3_stmt *stmt, int index, Datum value, bool with_zone) {
  Timestamp ts = DatumGetTimestamp(value);
  if (TIMESTAMP_NOT_FINITE(ts))
    refuse(writer, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, timestamp_text(value, with_zone), "SQLite has no infinite dates.");
  if (writer->form.storage == SQLITE_INTEGER || writer->form.storage == SQLITE_FLOAT)
    return bind_epoch(writer, stmt, index, ts);
  struct pg_tm tm;
  fsec_t fsec;
  int tzoff = 0;
  if (timestamp2tm(ts, with_zone ? &tzoff : nullptr, &tm, &fsec, nullptr, with_zone ? writer->timezone : nullptr) != 0)
    refuse(writer, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, timestamp_text(value, with_zone), "The timestamp is out of range.");
  DateTimeFields f = fields_of(tm, fsec, tzoff);
  if (f.year < 1 || f.year > 9999) check_year(writer, f, timestamp_text(value, with_zone));
  bind_string(stmt, index, format_timestamp(f, writer->form, with_zone));
}

void bind_date(const ValueWriter *writer, sqlite3_stmt *stmt, int index, Datum value) {
  DateADT date = DatumGetDateADT(value);
  const char *text = DatumGetCString(DirectFunctionCall1(date_out, value));
  if (DATE_NOT_FINITE(date)) refuse(writer, ERRCODE_DATETIME_VALUE_OUT_OF_RANGE, text, "SQLite has no infinite dates.");
  if (writer->form.storage == SQLITE_INTEGER || writer->form.storage == SQLITE_FLOAT)
    return bind_epoch(writer, stmt, index, static_cast<int64>(date) * USECS_PER_DAY);
  struct pg_tm tm = {};
  j2date(date + POSTGRES_EPOCH_JDATE, &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
  DateTimeFields f = fields_of(tm, 0, 0);
  check_year(writer, f, text);
  bind_string(stmt, index, format_date(f));
}

void bind_time(const ValueWriter *writer, sqlite3_stmt *stmt, int index, Datum value) {
  TimeADT time = DatumGetTimeADT(value);
  struct pg_tm tm = {};
  fsec_t fsec;
  time2tm(time, &tm, &fsec);
  bind_string(stmt, index, format_time(fields_of(tm, fsec, 0), writer->form));
}

}  // namespace

void bind_server_text(sqlite3_stmt *stmt, int index, const char *text, int length) {
  const char *utf8 = pg_server_to_any(text, length, PG_UTF8);  // the same pointer when already UTF-8
  if (utf8 != text) length = static_cast<int>(strlen(utf8));
  check_bind(stmt, sqlite3_bind_text(stmt, index, utf8, length, SQLITE_TRANSIENT));
}

void writer_init(ValueWriter *writer, Oid type_oid, Affinity affinity, const StoredForm &form,
                 const ColumnOptions &column, const ServerOptions &server, const char *table) {
  *writer = ValueWriter{};
  Oid base_type = getBaseType(type_oid);
  writer->type_oid = base_type;
  writer->kind = kind_for_type(base_type);
  writer->affinity = affinity;
  writer->form = form;
  writer->datetime_unit = column.datetime_unit;
  writer->timezone = column.timezone ? column.timezone : server.timezone ? server.timezone : pg_tzset("UTC");
  writer->table = table;
  writer->column = column.column_name;
  Oid output_function;
  bool is_varlena;
  getTypeOutputInfo(base_type, &output_function, &is_varlena);
  fmgr_info(output_function, &writer->output);
}

void bind_written_value(const ValueWriter *writer, sqlite3_stmt *stmt, int index, Datum value, bool isnull) {
  if (isnull) return check_bind(stmt, sqlite3_bind_null(stmt, index));
  switch (writer->kind) {
    case WriteKind::Integer: {
      Oid type = writer->type_oid;
      int64 v = type == INT2OID ? DatumGetInt16(value) : type == INT4OID ? DatumGetInt32(value) : DatumGetInt64(value);
      return bind_integer(writer, stmt, index, v);
    }
    case WriteKind::Bool: return check_bind(stmt, sqlite3_bind_int64(stmt, index, DatumGetBool(value) ? 1 : 0));
    case WriteKind::Float4: return bind_double(writer, stmt, index, real_as_double(DatumGetFloat4(value)));
    case WriteKind::Float8: return bind_double(writer, stmt, index, DatumGetFloat8(value));
    case WriteKind::Numeric: return bind_numeric(writer, stmt, index, value);
    case WriteKind::Bytea: {
      bytea *bytes = DatumGetByteaPP(value);
      return check_bind(stmt, sqlite3_bind_blob(stmt, index, VARDATA_ANY(bytes), static_cast<int>(VARSIZE_ANY_EXHDR(bytes)),
                                                SQLITE_TRANSIENT));
    }
    case WriteKind::Text: {
      text *t = DatumGetTextPP(value);
      return bind_server_text(stmt, index, VARDATA_ANY(t), static_cast<int>(VARSIZE_ANY_EXHDR(t)));
    }
    case WriteKind::Timestamp: return bind_timestamp(writer, stmt, index, value, false);
    case WriteKind::TimestampTz: return bind_timestamp(writer, stmt, index, value, true);
    case WriteKind::Date: return bind_date(writer, stmt, index, value);
    case WriteKind::Time: return bind_time(writer, stmt, index, value);
    case WriteKind::Uuid:
      return bind_string(stmt, index, format_uuid(DatumGetUUIDP(value)->data, writer->form));
    case WriteKind::Output: {
      char *text = OutputFunctionCall(const_cast<FmgrInfo *>(&writer->output), value);
      return bind_server_text(stmt, index, text, static_cast<int>(strlen(text)));
    }
  }
}

}  // namespace hangar
