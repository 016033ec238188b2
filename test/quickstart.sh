#!/usr/bin/env bash
# The main job (README.md, quick start): installs what is missing, builds and installs hangar_fdw,
# starts a throwaway PostgreSQL cluster in tmp_quickstart/, makes a sample SQLite app database
# with the test app's SQLAlchemy models and Alembic migrations, migrates it into PostgreSQL with
# one call and prints the report. The cluster is stopped at the end; its folder stays for a look
# (the script prints how to start it again).
set -euo pipefail
tree=$(cd "$(dirname "$0")/.." && pwd)
source "$tree/test/lib.sh"

if [ "${1:-}" != "--unprivileged" ]; then
  hangar_require_packages
  hangar_build_install "$tree"
  HANGAR_KEEP_COPY=1 hangar_run_unprivileged "$tree" test/quickstart.sh --unprivileged
  exit
fi

work=$tree/tmp_quickstart
hangar_cluster_stop "$work"
rm -rf "$work"
hangar_cluster_start "$work"
trap 'hangar_cluster_stop "$work"' EXIT

app_db=$work/sql_app.db
hangar_log "making a sample SQLite app database (SQLAlchemy + Alembic, test/e2e/app): $app_db"
/usr/bin/python3 "$tree/test/e2e/make_app_db.py" "$app_db" >/dev/null

hangar_log "migrating it into PostgreSQL with one call"
psql -X -v ON_ERROR_STOP=1 -v app_db="$app_db" <<'SQL'
CREATE EXTENSION hangar_fdw;
\echo
\echo '-- the report: one row per table'
SELECT table_name, rows_copied, rows_rejected, verified, round(copy_seconds::numeric, 3) AS copy_s, detail
FROM hangar_migrate(:'app_db');
\echo '-- what it built'
\dt
\dT
SELECT p.name AS pilot, count(o.id) AS orders, sum(o.price * o.volume_total) AS value
FROM pilots p JOIN market_orders o ON o.pilot_id = p.id
GROUP BY p.name ORDER BY value DESC NULLS LAST LIMIT 5;
SQL
hangar_log "done; the cluster was in $work (start it again: pg_ctl -D $work/data -o '-k $work' start)"
