// Short printable descriptions of SQLite values for error messages and reject records: numbers
// as written, text quoted and cut after 60 characters, blobs as x'...' hex of the first 16 bytes.
// Bytes that are not valid UTF-8 or are control characters are shown as \xNN, so the message is
// always valid in the database encoding.
#include "convert/value_convert.hpp"

extern "C" {
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
}

#include "pg/error_bridge.hpp"
#include "core/value_parse.hpp"

namespace hangar {

namespace {

constexpr int kMaxShownChars = 60;
constexpr int kMaxShownBlobBytes = 16;

void append_quoted_text(StringInfo buf, const unsigned char *s, int len) {
  bool utf8 = GetDatabaseEncoding() == PG_UTF8;
  appendStringInfoChar(buf, '\'');
  int shown = 0;
  int i = 0;
  while (i < len && shown < kMaxShownChars) {
    unsigned char c = s[i];
    int n = c < 0x80 ? 1 : pg_utf_mblen(s + i);
    size_t bad = 0, chars = 0;
    bool valid = c >= 0x80 && i + n <= len &&
                 check_utf8(reinterpret_cast<const char *>(s + i), static_cast<size_t>(n), &bad, &chars) == TextStatus::Ok;
    if (c >= 0x20 && c < 0x7f) {
      if (c == '\'') appendStringInfoChar(buf, '\'');
      appendStringInfoChar(buf, static_cast<char>(c));
    } else if (valid && utf8) {
      appendBinaryStringInfo(buf, reinterpret_cast<const char *>(s + i), n);
    } else {
      appendStringInfo(buf, "\\x%02x", c);
      n = 1;
    }
    i += n;
    ++shown;
  }
  appendStringInfoChar(buf, '\'');
  if (i < len) appendStringInfo(buf, "... (%d bytes)", len);
}

}  // namespace

char *describe_sqlite_value(const SqliteValue &v) {
  switch (v.type) {
    case SQLITE_NULL:
      return pstrdup("NULL");
    case SQLITE_INTEGER:
      return psprintf(INT64_FORMAT, static_cast<int64>(v.integer));
    case SQLITE_FLOAT:
      return palloc_string(shortest_double(v.real));
    case SQLITE_TEXT: {
      StringInfoData buf;
      initStringInfo(&buf);
      append_quoted_text(&buf, reinterpret_cast<const unsigned char *>(v.bytes), v.length);
      return buf.data;
    }
    default: {
      const auto *blob = reinterpret_cast<const unsigned char *>(v.bytes);
      int len = v.length;
      StringInfoData buf;
      initStringInfo(&buf);
      appendStringInfoString(&buf, "x'");
      for (int i = 0; i < len && i < kMaxShownBlobBytes; ++i) appendStringInfo(&buf, "%02x", blob[i]);
      appendStringInfoChar(&buf, '\'');
      if (len > kMaxShownBlobBytes) appendStringInfo(&buf, "... (%d bytes)", len);
      return buf.data;
    }
  }
}

}  // namespace hangar
