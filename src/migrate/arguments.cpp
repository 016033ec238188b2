// The migration functions' option arguments: on_error, and the jsonb maps column_types
// ({"table.column": "type"}) and type_map ({"json": "jsonb"}). Every type is parsed by
// PostgreSQL and re-spelled from its catalog entry, so nothing a user types is pasted into DDL.
#include "migrate/migrate.hpp"

extern "C" {
#include "parser/parse_type.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
}

#include <string>

#include "pg/error_bridge.hpp"
#include "core/migration_planner.hpp"
#include "core/type_names.hpp"

namespace hangar {

namespace {

// PostgreSQL's spelling of a type a user named; raises (through pg_guard) for unknown types.
std::string canonical_type(const std::string &name, const char *argument) {
  const char *text = palloc_string(name);
  const char *canonical = pg_guard([&] {
    ErrorContextCallback callback;
    callback.callback = [](void *arg) { errcontext("type given in %s", static_cast<const char *>(arg)); };
    callback.arg = const_cast<char *>(argument);
    callback.previous = error_context_stack;
    error_context_stack = &callback;
    Oid type_oid;
    int32 typmod;
#if PG_VERSION_NUM >= 160000
    parseTypeString(text, &type_oid, &typmod, nullptr);  // no ErrorSaveContext: errors are raised
#else
    parseTypeString(text, &type_oid, &typmod, false);
#endif
    const char *result = format_type_with_typemod(type_oid, typmod);
    error_context_stack = callback.previous;
    return result;
  });
  return short_type_name(canonical);
}

// Calls `entry(key, value)` for each member of a jsonb object whose values are strings.
template <typename Entry>
void each_string_member(Jsonb *object, const char *argument, Entry entry) {
  if (!object) return;
  if (!JB_ROOT_IS_OBJECT(object))
    throw Error("22023", std::string(argument) + " must be a JSON object", "",
                "For example: '{\"users.last_seen_at\": \"timestamptz\"}'.");
  JsonbIterator *it = pg_guard([&] { return JsonbIteratorInit(&object->root); });
  JsonbValue value;
  JsonbIteratorToken token;
  std::string key;
  while ((token = pg_guard([&] { return JsonbIteratorNext(&it, &value, false); })) != WJB_DONE) {
    if (token == WJB_KEY) {
      key.assign(value.val.string.val, static_cast<size_t>(value.val.string.len));
    } else if (token == WJB_VALUE) {
      if (value.type != jbvString)
        throw Error("22023", std::string(argument) + " must map names to type names given as strings",
                    "The value for \"" + key + "\" is not a string.");
      entry(key, std::string(value.val.string.val, static_cast<size_t>(value.val.string.len)));
    }
  }
}

}  // namespace

OnError parse_on_error(const char *value) {
  if (strcmp(value, "stop") == 0) return OnError::Stop;
  if (strcmp(value, "reject") == 0) return OnError::Reject;
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid value for on_error: \"%s\"", value),
                  errhint("Valid values are \"stop\" and \"reject\".")));
  pg_unreachable();
}

void parse_type_options(Jsonb *column_types, Jsonb *type_map, MigrationOptions *options) {
  each_string_member(column_types, "column_types", [&](const std::string &key, const std::string &type) {
    if (key.find('.') == std::string::npos)
      throw Error("22023", "column_types key \"" + key + "\" is not of the form \"table.column\"");
    options->column_types[key] = canonical_type(type, "column_types");
  });
  each_string_member(type_map, "type_map", [&](const std::string &key, const std::string &type) {
    if (!is_mappable_base_type(key))
      throw Error("22023", "type_map key \"" + key + "\" is not a type the type mapping produces", "",
                  "Keys are base type names such as \"json\", \"timestamp\", \"integer\" or \"varchar\".");
    options->type_map[key] = canonical_type(type, "type_map");
  });
}

}  // namespace hangar
