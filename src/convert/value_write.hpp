// Conversion of a PostgreSQL value into the SQLite value a write through a foreign table binds,
// in the form the app itself stores in that column (README "Writing to SQLite" states each rule):
// booleans as 0/1, dates and times as text in the column's learned form (core/stored_form) or as
// epoch numbers where the column holds numbers, timestamptz in the column's zone (UTC unless the
// column's or server's timezone option says otherwise), numeric as the column's affinity stores
// it, JSON and other types as their text, bytea as a blob.
//
// Exact or an error (DESIGN.md principle 1): a value SQLite cannot hold as it is (NaN, a numeric
// beyond a double where SQLite would store a REAL, an integer beyond 2^53 in a REAL column, a
// timestamp outside years 1 to 9999) raises an error that names table, column and value.
#pragma once

#include "core/stored_form.hpp"
#include "core/type_map.hpp"
#include "pg/common.hpp"

namespace hangar {

enum class WriteKind { Integer, Bool, Float4, Float8, Numeric, Bytea, Text, Timestamp, TimestampTz, Date, Time, Uuid, Output };

struct ValueWriter {
  WriteKind kind;
  Oid type_oid;               // the column's type, or its domain's base type
  Affinity affinity;          // the SQLite column's, from its declared type
  StoredForm form;            // learned from a value the column holds
  DatetimeUnit datetime_unit; // for columns that hold epoch numbers
  pg_tz *timezone;            // zone of timestamptz text (UTC unless an option says otherwise)
  FmgrInfo output;            // output function, for Numeric, Output and text types
  const char *table;          // SQLite names, for messages
  const char *column;
};

void writer_init(ValueWriter *writer, Oid type_oid, Affinity affinity, const StoredForm &form,
                 const ColumnOptions &column, const ServerOptions &server, const char *table);

// Binds text in the server encoding as parameter index of stmt, in UTF-8 as SQLite stores text.
void bind_server_text(sqlite3_stmt *stmt, int index, const char *text, int length);

// Binds the value as parameter index of stmt (copied: SQLite keeps no pointer into it). Raises
// for a value SQLite cannot hold exactly. Allocates in CurrentMemoryContext.
void bind_written_value(const ValueWriter *writer, sqlite3_stmt *stmt, int index, Datum value, bool isnull);

}  // namespace hangar
