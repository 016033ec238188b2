// Deterministic shortening of identifiers to PostgreSQL's 63-byte limit.
#include "core/pg_names.hpp"

#include <cstdint>
#include <cstdio>

#include "core/cpp_only.hpp"

namespace hangar {

namespace {

uint32_t fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

}  // namespace

std::string pg_identifier(std::string_view name) {
  if (name.size() <= kMaxPgIdentifierBytes) return std::string(name);
  size_t cut = kMaxPgIdentifierBytes - 9;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
  char suffix[10];
  std::snprintf(suffix, sizeof suffix, "_%08x", fnv1a(name));
  return std::string(name.substr(0, cut)) + suffix;
}

}  // namespace hangar
