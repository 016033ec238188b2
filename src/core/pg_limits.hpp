// PostgreSQL's fixed limits that a SQLite schema can exceed, for the C++ zone, which does not
// include PostgreSQL's headers (a static_assert in src/migrate/run.cpp checks them against the
// server's): SQLite allows 2000 columns in a table and in an index, PostgreSQL fewer.
#pragma once

namespace hangar {

// MaxHeapAttributeNumber: the columns of a table.
constexpr int kMaxPgTableColumns = 1600;
// INDEX_MAX_KEYS: the columns of an index, so of a primary key, UNIQUE constraint and foreign key.
constexpr int kMaxPgKeyColumns = 32;
// MaxAttrSize: the largest length a varchar(n) or char(n) may declare (SQLite reads any length
// and enforces none: MySQL's MEDIUMTEXT ports declare VARCHAR(16777215)).
constexpr long kMaxPgCharLength = 10 * 1024 * 1024;

}  // namespace hangar
