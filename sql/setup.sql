-- Builds the SQLite fixtures (test/fixtures/*.sql) into results/fixtures and installs the
-- extension, plus a helper that shows an error with the fixtures folder masked, so expected
-- output does not depend on where the tests run.
\! bash "$PG_ABS_SRCDIR/test/build-fixtures.sh" "$PG_ABS_BUILDDIR/results/fixtures"
CREATE EXTENSION hangar_fdw;
CREATE FUNCTION regress_error(statement text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  state text;
  message text;
  detail text;
  hint text;
BEGIN
  EXECUTE statement;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
  RETURN replace(state || ': ' || message || coalesce(E'\nDETAIL:  ' || nullif(detail, ''), '')
                 || coalesce(E'\nHINT:  ' || nullif(hint, ''), ''),
                 current_setting('regress.fixtures'), '$FIXTURES');
END
$$;
