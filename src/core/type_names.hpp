// PostgreSQL type names as the planner spells them: PostgreSQL's canonical format_type output
// ("timestamp(3) with time zone", "character varying(20)") shortened to the forms the type map
// uses ("timestamptz(3)", "varchar(20)"), and the base name type_map keys match against.
#pragma once

#include <string>

namespace hangar {

std::string short_type_name(const std::string &canonical);
// "varchar(20)" -> "varchar", "double precision" -> "double precision".
std::string base_type_name(const std::string &type);
// Whether a type_map key names one of the types the declared-type table produces.
bool is_mappable_base_type(const std::string &base);
// text, varchar(n) or char(n), as the planner spells them.
bool is_text_type(const std::string &pg_type);
// smallint, integer or bigint.
bool is_integer_type(const std::string &pg_type);
// The type with a time zone of a timestamp type, its precision kept: "timestamp(3)" ->
// "timestamptz(3)".
std::string with_time_zone(const std::string &timestamp_type);

}  // namespace hangar
