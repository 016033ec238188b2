// Joining pieces of text (names, SQL terms) with a separator, as generated SQL and messages list them.
#pragma once

#include <string>
#include <vector>

namespace hangar {

inline std::string join(const std::vector<std::string> &parts, const char *separator = ", ") {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

}  // namespace hangar
