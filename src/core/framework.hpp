// Which framework built a SQLite file (from the table it keeps its migrations in), and what
// Django's PostgreSQL backend builds that its SQLite backend spells differently: column types,
// the JSONField CHECK, and the names Django derives for indexes, unique and foreign-key
// constraints (so the framework's next migration finds what it looks for).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sql_tokenizer.hpp"

namespace hangar {

enum class Framework { Auto, None, Alembic, Django, Rails, Prisma };

const char *framework_name(Framework framework);
// 'auto', 'none', 'alembic' or 'django'; false for anything else.
bool parse_framework(std::string_view name, Framework *framework);

// The framework whose bookkeeping table is among the tables (None when none is); *evidence
// names that table.
Framework detect_framework(const std::vector<std::string> &table_names, std::string *evidence);

// The type Django's PostgreSQL backend gives a field that its SQLite backend declares so:
// datetime (DateTimeField) is timestamptz, char(32) (UUIDField) uuid, char(15) and char(39)
// (IPAddressField, GenericIPAddressField) inet, the "unsigned" integers (Positive*Field) their
// signed types, decimal (DecimalField) numeric. Nothing for other declared types.
std::optional<std::string> django_pg_type(std::string_view declared_type);

// Whether a CHECK is the one Django's JSONField has on SQLite, (JSON_VALID("c") OR "c" IS
// NULL), and on which column.
bool django_json_check(const std::vector<Token> &check, std::string *column);

// The name Django gives an index or constraint of these columns on a backend whose names hold
// max_length bytes (63 on PostgreSQL, 200 on SQLite): table_columns_<md5 digest><suffix>,
// shortened as Django shortens it.
std::string django_index_name(const std::string &table, const std::vector<std::string> &columns,
                              const std::string &suffix, size_t max_length);

}  // namespace hangar
