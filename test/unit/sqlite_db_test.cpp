// Unit tests of core/sqlite_db's Database::unreadable_reason: a table whose schema SQLite stores
// but cannot read is named with SQLite's reason, so a migration skips it and migrates the rest.
#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "core/sqlite_db.hpp"
#include "temp_database.hpp"

using namespace hangar;

namespace {

TEST(UnreadableTable, ReadableTableHasNoReason) {
  TempDatabase file;
  Database db = file.open_writable();
  db.exec("CREATE TABLE ok (id INTEGER PRIMARY KEY, v TEXT)");
  EXPECT_EQ(db.unreadable_reason("ok"), "");
}

// Generated columns computed from each other: SQLite 3.40 stores the table and refuses only to
// read it (the migration stopped there); newer SQLite refuses the CREATE TABLE itself.
TEST(UnreadableTable, GeneratedColumnLoopIsNamed) {
  TempDatabase file;
  Database db = file.open_writable();
  bool created = true;
  try {
    db.exec("CREATE TABLE loop (a INTEGER, b GENERATED ALWAYS AS (c + 1), c GENERATED ALWAYS AS (b + 1))");
  } catch (const Error &e) {
    created = false;
    EXPECT_NE(std::string(e.what()).find("generated column loop"), std::string::npos) << e.what();
  }
  if (created) {
    EXPECT_NE(db.unreadable_reason("loop").find("generated column loop"), std::string::npos);
  }
}

}  // namespace
