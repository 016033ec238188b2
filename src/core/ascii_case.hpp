// ASCII case folding for SQL keywords, names and type words. SQLite compares them
// case-insensitively for the ASCII letters only, so folding here never depends on the C locale
// (which inside a backend is the database's LC_CTYPE).
#pragma once

#include <string>
#include <string_view>

namespace hangar {

inline char ascii_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char &c : out) c = ascii_upper(c);
  return out;
}

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char &c : out) c = ascii_lower(c);
  return out;
}

inline bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

}  // namespace hangar
