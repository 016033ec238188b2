// What planning a scan learns of a SQLite table (its catalog model, a row estimate, the columns
// that lead an index, the file's text encoding), kept between plannings in this backend and read
// again only when the file changed: each planning costs one SQLite round trip while nothing did.
#pragma once

#include <string>
#include <vector>

#include "core/schema_reader.hpp"

namespace hangar {

struct TableFacts {
  Table table;
  double rows;                       // estimate_rows
  std::vector<std::string> indexed;  // index_leading_columns
  bool utf8;                         // PRAGMA encoding is UTF-8
};

// The facts of table `name` of db. They are reused while the file's schema cookie and data
// version (PRAGMAs schema_version and data_version, read in one query) are those they were read
// at; any change to the schema, or a commit by another connection, reads them again. C++ zone:
// throws Error.
const TableFacts &table_facts(const Database &db, const std::string &name);

}  // namespace hangar
