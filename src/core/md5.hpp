// MD5 (RFC 1321) of a byte string, as lower-case hex. Only for reproducing names other tools
// derive from it (Django's index and constraint names); never for security.
#pragma once

#include <string>
#include <string_view>

namespace hangar {

std::string md5_hex(std::string_view data);

}  // namespace hangar
