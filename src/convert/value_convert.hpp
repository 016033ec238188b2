// Conversion of one SQLite value into a PostgreSQL Datum of a column's type, by the value's
// actual storage class (SQLite columns may hold any class). Used by the foreign scan and by the
// migration's copy, so both accept and reject exactly the same values.
//
// Every conversion is exact or fails (DESIGN.md principle 1): nothing is rounded, truncated,
// clamped or re-zoned silently. The one rounding is asked for: a date/time column declared with
// a precision (timestamp(6), time(0)) rounds more fractional seconds to it, as PostgreSQL's
// input does, and says so (ConversionFailure::noted), as a bytea column says it took a number
// as the bytes of its text. A failure is returned, not raised, so the caller decides whether
// to raise it (with table, column and rowid in its error context) or to record the row as rejected.
#pragma once

#include "core/sqlite_value.hpp"
#include "pg/common.hpp"

extern "C" {
#include "executor/tuptable.h"
}

namespace hangar {

enum class ConvertKind {
  Int2, Int4, Int8, Float4, Float8, Numeric, Bool, Text, Varchar, Bpchar, Bytea,
  Timestamp, TimestampTz, Date, Time, Json, Jsonb, Uuid, Bit, VarBit, Generic
};

struct ColumnConverter {
  ConvertKind kind;
  Oid type_oid;
  int32 typmod;
  const char *type_name;      // for messages, with its modifier, e.g. "numeric(12,2)"
  int numeric_precision;      // -1 when unconstrained
  int numeric_scale;
  int max_chars;              // varchar(n)/char(n) length, -1 when unconstrained
  int fraction_digits;        // timestamp/time precision, 6 when unconstrained
  bool round_fraction;        // the precision was declared: more digits are rounded, not refused
  DatetimeUnit datetime_unit;
  pg_tz *timezone;            // zone for naive text into timestamptz; null means UTC
  bool utf8_database;         // the database encoding is UTF8, so text needs no transcoding
  FmgrInfo input;             // input function, for Generic and text into float4/jsonb
  Oid input_ioparam;
};

// A conversion that succeeded in a way the migration's report names.
enum class NotedConversion {
  None,
  Rounded,       // more fractional seconds than the column's declared precision, rounded to it
  NumberAsText,  // an integer or a real into bytea: the bytes of its text, as CAST(v AS BLOB)
};
constexpr int kNotedConversions = 2;  // the kinds after None

struct ConversionFailure {
  int sqlstate;
  char *message;  // names the value and the reason
  const char *hint;
  bool zone_dropped = false;  // a time zone a timestamp (without one) cannot keep
  NotedConversion noted = NotedConversion::None;  // set on success
};

void converter_init(ColumnConverter *conv, Oid type_oid, int32 typmod, const ColumnOptions &column,
                    const ServerOptions &server);

// Converts one SQLite value. Returns false and fills *failure when the value cannot arrive
// exactly. Allocates in CurrentMemoryContext.
bool convert_value(const ColumnConverter *conv, const SqliteValue &v, Datum *value, bool *isnull,
                   ConversionFailure *failure);

[[noreturn]] void raise_conversion_failure(const ConversionFailure &failure);

struct RowContext;  // convert/row_context.hpp
// Converts the first ncolumns values of the statement's current row into values/isnull (natts
// entries, by attribute: attnums are 1-based; every other entry NULL). A value that does not
// convert raises, named by row's error context (table, column, rowid).
void convert_row(sqlite3_stmt *stmt, int ncolumns, const AttrNumber *attnums, const ColumnConverter *converters,
                 RowContext *row, int natts, Datum *values, bool *isnull);
// Converts the statement's columns first .. first + ncolumns - 1 into the attributes attnums name,
// leaving the others as they are (row's columns are named from its column 0 on).
void convert_columns(sqlite3_stmt *stmt, int first, int ncolumns, const AttrNumber *attnums,
                     const ColumnConverter *converters, RowContext *row, Datum *values, bool *isnull);
// The same into a slot's attributes, then stored as a virtual tuple.
void store_converted_row(sqlite3_stmt *stmt, int ncolumns, const AttrNumber *attnums,
                         const ColumnConverter *converters, RowContext *row, TupleTableSlot *slot);

// The value as a short printable text for messages: 'text', 42, 1.5, x'00ff...', NULL.
char *describe_sqlite_value(const SqliteValue &v);

}  // namespace hangar
