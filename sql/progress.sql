-- Progress of a long migration: a NOTICE per table with rows and time (masked here), and the copy
-- visible from another session in pg_stat_progress_copy while it runs.
\getenv abs_builddir PG_ABS_BUILDDIR
\set big_db :abs_builddir '/results/fixtures/progress.db'
\! cd "$PG_ABS_BUILDDIR/results/fixtures" && sqlite3 progress.db "CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) INSERT INTO big SELECT i, 'value ' || i FROM n;"

\! psql -X -q -d contrib_regression -c "SELECT count(*) AS tables FROM hangar_migrate('$PG_ABS_BUILDDIR/results/fixtures/migrate_app.db', 'noticed')" 2>&1 | sed -E 's/in [0-9.]+ s, [0-9]+ rows\/s/in N s, N rows\/s/'

CREATE EXTENSION dblink;
SELECT dblink_connect('other', format('dbname=%s port=%s host=%s', current_database(), current_setting('port'),
                                      split_part(current_setting('unix_socket_directories'), ',', 1)));
SELECT pid AS other_pid FROM dblink('other', 'SELECT pg_backend_pid()') AS t(pid int) \gset
SELECT dblink_send_query('other', format('SELECT count(*) FROM hangar_migrate(%L, %L)', :'big_db', 'progressed'));
CREATE FUNCTION wait_for_copy_progress(backend int) RETURNS TABLE (command text, type text, copying boolean)
LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..600 LOOP
    RETURN QUERY SELECT p.command, p.type, p.tuples_processed > 0 FROM pg_stat_progress_copy p
                 WHERE p.pid = backend AND p.tuples_processed > 0;
    IF FOUND THEN RETURN; END IF;
    PERFORM pg_sleep(0.05);
    PERFORM pg_stat_clear_snapshot();
  END LOOP;
END
$$;
SELECT * FROM wait_for_copy_progress(:other_pid);
SELECT * FROM dblink_get_result('other') AS t(tables bigint);
SELECT dblink_disconnect('other');
SELECT count(*) FROM progressed.big;

-- a long migration stops on statement_timeout (the read-ahead thread with it) and leaves nothing
SET client_min_messages = warning;
SET statement_timeout = '300ms';
\set VERBOSITY terse
SELECT * FROM hangar_migrate(:'big_db', 'cancelled');  -- ERROR
\set VERBOSITY default
RESET statement_timeout;
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname = 'cancelled';
SELECT count(*) AS tables FROM hangar_migrate(:'big_db', 'after_cancel');
