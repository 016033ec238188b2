-- LATERAL over foreign tables plans and answers as over local tables: each query runs once over
-- foreign copies of the tables of PostgreSQL's join regression test and once over local copies,
-- and the two answers must be the same multiset of rows.
\getenv abs_builddir PG_ABS_BUILDDIR
\set join_db :abs_builddir '/results/fixtures/join_tables.db'
CREATE SERVER lateral_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'join_db');
CREATE SCHEMA lateral_fdw;
IMPORT FOREIGN SCHEMA main FROM SERVER lateral_srv INTO lateral_fdw;
CREATE SCHEMA lateral_local;
CREATE TABLE lateral_local.int4_tbl AS SELECT * FROM lateral_fdw.int4_tbl;
CREATE TABLE lateral_local.int8_tbl AS SELECT * FROM lateral_fdw.int8_tbl;
CREATE TABLE lateral_local.text_tbl AS SELECT * FROM lateral_fdw.text_tbl;
CREATE TABLE lateral_local.keyed AS SELECT * FROM lateral_fdw.keyed;

-- Runs query over both schemas; 'same (N rows)', how many rows differ, or the error.
CREATE FUNCTION regress_same_answer(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  only_foreign bigint;
  only_local bigint;
  total bigint;
BEGIN
  SET LOCAL search_path = lateral_fdw;
  EXECUTE 'CREATE TEMP TABLE answer_foreign AS SELECT x::text AS r FROM (' || query || ') AS x';
  SET LOCAL search_path = lateral_local;
  EXECUTE 'CREATE TEMP TABLE answer_local AS SELECT x::text AS r FROM (' || query || ') AS x';
  SELECT count(*) INTO only_foreign FROM (TABLE answer_foreign EXCEPT ALL TABLE answer_local) d;
  SELECT count(*) INTO only_local FROM (TABLE answer_local EXCEPT ALL TABLE answer_foreign) d;
  SELECT count(*) INTO total FROM answer_local;
  DROP TABLE answer_foreign, answer_local;
  RETURN CASE WHEN only_foreign = 0 AND only_local = 0 THEN format('same (%s rows)', total)
              ELSE format('DIFFERENT: %s rows only over foreign tables, %s only over local', only_foreign, only_local) END;
EXCEPTION WHEN OTHERS THEN
  RETURN 'ERROR: ' || SQLERRM;
END
$$;

SELECT regress_same_answer(q), q FROM (VALUES
  ('SELECT * FROM int4_tbl a, LATERAL (SELECT * FROM int8_tbl b WHERE b.q1 = a.f1) s'),
  ('SELECT * FROM int8_tbl a LEFT JOIN LATERAL (SELECT a.q2 AS x, b.q1 FROM int8_tbl b WHERE b.q2 = a.q1) s ON true'),
  ('SELECT * FROM int4_tbl i, LATERAL (SELECT i.f1::bigint + 1 AS g) g'),
  ('SELECT a.f1, s.c FROM int4_tbl a, LATERAL (SELECT count(*) AS c FROM int8_tbl b WHERE b.q1 > a.f1) s'),
  ('SELECT * FROM int8_tbl x, LATERAL (SELECT x.q1 UNION ALL SELECT x.q2) u(v)'),
  ('SELECT * FROM int8_tbl a CROSS JOIN LATERAL (SELECT * FROM int8_tbl b WHERE b.q1 = a.q2 UNION ALL SELECT * FROM int8_tbl c WHERE c.q2 = a.q1) u'),
  ('SELECT * FROM int4_tbl a LEFT JOIN LATERAL (SELECT b.q1 FROM int8_tbl b WHERE b.q2 > a.f1 ORDER BY b.q1, b.q2 LIMIT 1) s ON true'),
  ('SELECT * FROM text_tbl t, LATERAL (SELECT length(t.f1) AS n, upper(t.f1) AS u) l'),
  ('SELECT * FROM int4_tbl a, LATERAL (SELECT * FROM int8_tbl b, LATERAL (SELECT b.q1 + a.f1 AS s) c) d WHERE d.q2 > 0'),
  ('SELECT * FROM int8_tbl a, LATERAL (SELECT * FROM int8_tbl b WHERE b.q1 = a.q1 ORDER BY b.q2 LIMIT 1) s'),
  ('SELECT * FROM int8_tbl a, LATERAL generate_series(1, (a.q2 % 3)::int) g'),
  ('SELECT * FROM int8_tbl a, LATERAL (SELECT * FROM keyed k WHERE k.id = a.q1) s'),
  ('SELECT * FROM keyed k1 LEFT JOIN LATERAL (SELECT * FROM keyed k2 WHERE k2.id < k1.id ORDER BY k2.id DESC LIMIT 1) p ON true'),
  ('SELECT * FROM int4_tbl a WHERE EXISTS (SELECT 1 FROM int8_tbl b WHERE b.q1 = a.f1 OR b.q2 = a.f1)'),
  ('SELECT a.f1, (SELECT max(b.q2) FROM int8_tbl b WHERE b.q1 <> a.f1) FROM int4_tbl a'),
  ('SELECT * FROM int8_tbl a FULL JOIN LATERAL (SELECT * FROM int4_tbl b WHERE b.f1 > 0) s ON a.q1 = s.f1'),
  ('SELECT * FROM int8_tbl a, LATERAL (SELECT b.q1, a.q2 FROM int8_tbl b UNION ALL SELECT c.f1, a.q1 FROM int4_tbl c) u'),
  ('SELECT * FROM int4_tbl a LEFT JOIN LATERAL (SELECT a.f1 AS af, b.f1 FROM text_tbl b) s ON s.af > 0'),
  ('SELECT * FROM int4_tbl a, LATERAL (SELECT * FROM text_tbl t WHERE length(t.f1) > a.f1 % 10) s'),
  ('SELECT * FROM keyed k, LATERAL (SELECT k.v || ''!'' AS w FROM int4_tbl i WHERE i.f1 = 0 UNION ALL SELECT k.v FROM text_tbl) u')
) AS t(q);

DROP FUNCTION regress_same_answer(text);
DROP SCHEMA lateral_fdw, lateral_local CASCADE;
DROP SERVER lateral_srv;
