#!/usr/bin/env bash
# The main job (README.md, quick start): installs what is missing, builds and installs hangar_fdw,
# starts a throwaway PostgreSQL cluster in tmp_quickstart/, makes a sample SQLite app database,
# migrates it into PostgreSQL with one call and prints the report. The cluster is stopped at the
# end; its folder stays for a look (the script prints how to start it again).
set -euo pipefail
tree=$(cd "$(dirname "$0")/.." && pwd)
source "$tree/test/lib.sh"

if [ "${1:-}" != "--unprivileged" ]; then
  hangar_require_packages
  hangar_build_install "$tree"
  hangar_run_unprivileged "$tree" test/quickstart.sh --unprivileged
  exit
fi

work=$tree/tmp_quickstart
hangar_cluster_stop "$work"
rm -rf "$work"
hangar_cluster_start "$work"
trap 'hangar_cluster_stop "$work"' EXIT

app_db=$work/sql_app.db
hangar_log "making a sample SQLite app database: $app_db"
sqlite3 "$app_db" <"$tree/test/fixtures/app.sql"

hangar_log "reading it from PostgreSQL through hangar_fdw"
psql -X -v ON_ERROR_STOP=1 -v app_db="$app_db" <<'SQL'
CREATE EXTENSION hangar_fdw;
CREATE SERVER app FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'app_db');
CREATE SCHEMA sqlite_app;
SET client_min_messages = warning;
IMPORT FOREIGN SCHEMA main FROM SERVER app INTO sqlite_app;
\det sqlite_app.*
SELECT u.email, count(i.id) AS items, sum(i.price) AS value
FROM sqlite_app.users u LEFT JOIN sqlite_app.items i ON i.owner_id = u.id
GROUP BY u.email ORDER BY u.email;
SQL
hangar_log "done; the cluster was in $work (start it again: pg_ctl -D $work/data -o '-k $work' start)"
