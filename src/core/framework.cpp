// Framework detection and Django's PostgreSQL spellings (framework.hpp), from Django 3.2's
// backends (db/backends/{sqlite3,postgresql}/base.py data_types, base/schema.py
// _create_index_name and utils.names_digest).
#include "core/framework.hpp"

#include "core/ascii_case.hpp"
#include "core/md5.hpp"

namespace hangar {

const char *framework_name(Framework framework) {
  switch (framework) {
    case Framework::Auto: return "auto";
    case Framework::None: return "none";
    case Framework::Alembic: return "alembic";
    case Framework::Django: return "django";
    case Framework::Rails: return "rails";
    case Framework::Prisma: return "prisma";
  }
  return "";
}

bool parse_framework(std::string_view name, Framework *framework) {
  for (Framework f : {Framework::Auto, Framework::None, Framework::Alembic, Framework::Django})
    if (name == framework_name(f)) {
      *framework = f;
      return true;
    }
  return false;
}

Framework detect_framework(const std::vector<std::string> &table_names, std::string *evidence) {
  auto has = [&](const char *name) {
    for (const std::string &t : table_names)
      if (ascii_iequals(t, name)) return true;
    return false;
  };
  struct Sign {
    const char *table;
    const char *also;  // a second table the framework keeps, or nullptr
    Framework framework;
  };
  static const Sign kSigns[] = {{"django_migrations", nullptr, Framework::Django},
                                {"alembic_version", nullptr, Framework::Alembic},
                                {"schema_migrations", "ar_internal_metadata", Framework::Rails},
                                {"_prisma_migrations", nullptr, Framework::Prisma}};
  for (const Sign &sign : kSigns)
    if (has(sign.table) && (!sign.also || has(sign.also))) {
      *evidence = sign.table;
      return sign.framework;
    }
  return Framework::None;
}

std::optional<std::string> django_pg_type(std::string_view declared_type) {
  std::string t = ascii_lower(declared_type);
  if (t == "datetime") return "timestamp with time zone";
  if (t == "char(32)") return "uuid";
  if (t == "char(15)" || t == "char(39)") return "inet";
  if (t == "integer unsigned") return "integer";
  if (t == "smallint unsigned") return "smallint";
  if (t == "bigint unsigned") return "bigint";
  if (t == "decimal") return "numeric";
  return std::nullopt;
}

bool django_json_check(const std::vector<Token> &check, std::string *column) {
  // ( JSON_VALID ( "c" ) OR "c" IS NULL ), the outer parentheses optional
  size_t begin = 0, end = check.size();
  while (end - begin >= 2 && check[begin].text == "(" && check[end - 1].text == ")") ++begin, --end;
  if (end - begin != 8) return false;
  const Token *t = &check[begin];
  if (!ascii_iequals(t[0].text, "json_valid") || t[1].text != "(" || !t[2].is_name() || t[3].text != ")" ||
      !ascii_iequals(t[4].text, "or") || !t[5].is_name() || !ascii_iequals(t[5].value, t[2].value) ||
      !ascii_iequals(t[6].text, "is") || !ascii_iequals(t[7].text, "null"))
    return false;
  *column = t[2].value;
  return true;
}

std::string django_index_name(const std::string &table, const std::vector<std::string> &columns,
                              const std::string &suffix, size_t max_length) {
  std::string digest_input = table;
  std::string joined;
  for (size_t i = 0; i < columns.size(); ++i) {
    digest_input += columns[i];
    joined += (i ? "_" : "") + columns[i];
  }
  std::string hash_suffix = md5_hex(digest_input).substr(0, 8) + suffix;
  std::string name = table + "_" + joined + "_" + hash_suffix;
  if (name.size() <= max_length) return name;
  if (hash_suffix.size() > max_length / 3.0) hash_suffix = hash_suffix.substr(0, max_length / 3);
  size_t other_length = (max_length - hash_suffix.size()) / 2 - 1;
  name = table.substr(0, other_length) + "_" + joined.substr(0, other_length) + "_" + hash_suffix;
  if (name[0] == '_' || (name[0] >= '0' && name[0] <= '9')) name = "D" + name.substr(0, name.size() - 1);
  return name;
}

}  // namespace hangar
