-- hangar_fdw 0.1 -> 0.2 (ALTER EXTENSION hangar_fdw UPDATE): adds hangar_checksum_query. The same
-- definition is in hangar_fdw--0.2.sql; the update test checks that both give the same objects.
\echo Use "ALTER EXTENSION hangar_fdw UPDATE TO '0.2'" to load this file. \quit

-- The query that checks a copy of a schema restored where hangar_fdw cannot be installed (a
-- managed PostgreSQL; README.md, "Managed PostgreSQL"): plain SQL that reads no hangar_fdw
-- object, run on both sides and compared. Per table of the schema as it is now: its name, row
-- count, and a checksum of its rows' text forms that does not depend on their order (the sum of
-- two 64-bit halves of each row's md5, so any table size works and no collation decides an
-- order). The SET lines first fix the settings a row's text depends on (dates, intervals, time
-- zone, floats, bytea). Names are quoted with format('%I'), literals with format('%L').
CREATE FUNCTION hangar_checksum_query(target_schema name DEFAULT 'public')
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  schema_oid oid;
  selects text;
BEGIN
  SELECT n.oid INTO schema_oid FROM pg_namespace n WHERE n.nspname = target_schema;
  IF schema_oid IS NULL THEN
    RAISE EXCEPTION 'schema "%" does not exist', target_schema USING ERRCODE = 'invalid_schema_name';
  END IF;
  SELECT string_agg(format(
           'SELECT %L::text AS table_name, count(*) AS row_count, '
           'md5(coalesce(sum((''x'' || substr(h.h, 1, 16))::bit(64)::bigint::numeric), 0)::text || '' '' || '
           'coalesce(sum((''x'' || substr(h.h, 17, 16))::bit(64)::bigint::numeric), 0)::text) AS checksum '
           'FROM %I.%I AS r CROSS JOIN LATERAL (SELECT md5((r.*)::text) AS h) AS h',
           c.relname, target_schema, c.relname),
         E'\nUNION ALL\n' ORDER BY c.relname COLLATE "C")
    INTO selects
    FROM pg_class c
    WHERE c.relnamespace = schema_oid AND c.relkind IN ('r', 'p');
  RETURN E'SET datestyle = ''ISO, YMD'';\nSET intervalstyle = ''postgres'';\nSET timezone = ''UTC'';\n'
      || E'SET extra_float_digits = 1;\nSET bytea_output = ''hex'';\n'
      || coalesce('SELECT * FROM (' || E'\n' || selects || E'\n) AS tables ORDER BY table_name COLLATE "C";',
                  'SELECT NULL::text AS table_name, NULL::bigint AS row_count, NULL::text AS checksum WHERE false;');
END
$$;
