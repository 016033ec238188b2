// sqlite_value_hash (sqlite_value.hpp): core/hash64 over the value's bytes, seeded by its
// storage class.
#include "core/sqlite_value.hpp"

#include "core/hash64.hpp"

namespace hangar {

uint64_t sqlite_value_hash(const SqliteValue &v) {
  switch (v.type) {
    case SQLITE_INTEGER:
      return hash64(&v.integer, sizeof v.integer, SQLITE_INTEGER);
    case SQLITE_FLOAT:
      return hash64(&v.real, sizeof v.real, SQLITE_FLOAT);
    case SQLITE_TEXT:
    case SQLITE_BLOB:
      return hash64(v.bytes, static_cast<size_t>(v.length), static_cast<uint64_t>(v.type));
    default:
      return hash64(nullptr, 0, SQLITE_NULL);
  }
}

}  // namespace hangar
