#!/usr/bin/env bash
# Benchmark of the queries issue 10 names, on the benchmark's SQLite file (bench/generate_db.py;
# scale 1: 1.26 M rows), each with hangar_fdw.enable_pushdown on and off on the same cluster,
# RUNS times (median of psql's \timing), and the ratio on/off:
#   lookup   SELECT * FROM users WHERE email = <one address>          (indexed, not the key)
#   count    SELECT count(*) FROM order_items                          (700 k rows at scale 1)
#   join     20 local ids JOIN events ON events.id = local.x           (the rowid, 200 k rows)
#   join_index 20 local ids JOIN orders ON orders.user_id = local.x    (indexed, not the key, 280 k rows)
#   subquery SELECT (SELECT user_id FROM orders o WHERE o.id = l.x) FROM 200 local ids
#   top10    SELECT id FROM events ORDER BY created_at DESC LIMIT 10   (indexed DATETIME: not shipped)
#   top10_text SELECT id, email FROM users ORDER BY email COLLATE "C" DESC LIMIT 10 (indexed text)
#   group    SELECT status, count(*), max(user_id), avg(user_id) FROM orders GROUP BY status
#            (no index: SQLite would sort 280 k rows, slower than PostgreSQL's hashing; not chosen)
#   group_indexed SELECT user_id, count(*), min(id) FROM orders GROUP BY user_id  (indexed)
#   fjoin    orders JOIN users ON users.id = orders.user_id WHERE users.id <= 20  (two foreign tables)
# Every query must give the same answer both ways (compared as text), or the script fails.
#
#   bash bench/pushdown.sh [SCALE] [RUNS]     defaults: SCALE 1, RUNS 5
#
# As root it installs what is missing and re-runs itself as the postgres user. hangar_fdw has to be
# installed already. The generated file is cached in $HANGAR_BENCH_WORK/cache, as bench/run.sh does.
set -uo pipefail
tree=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../test/lib.sh
source "$tree/test/lib.sh"
# shellcheck source=lib.sh
source "$tree/bench/lib.sh"
WORK=${HANGAR_BENCH_WORK:-/tmp/hangar_bench}

unprivileged=0
if [ "${1:-}" = "--unprivileged" ]; then unprivileged=1; shift; fi
SCALE=${1:-1}
RUNS=${2:-5}
[ "$unprivileged" -eq 1 ] ||
  HANGAR_PACKAGES="postgresql-15 sqlite3" bench_rerun_as_postgres "$tree/bench/pushdown.sh" "$SCALE" "$RUNS"

PSQL="$(hangar_pg_bindir)/psql"
RUN=$(mkdir -p "$WORK/cache" && mktemp -d "$WORK/pushdown.XXXXXX") || exit 1
trap 'hangar_cluster_stop "$RUN/cluster"; rm -rf "$RUN"' EXIT
trap 'exit 130' INT TERM
export PGOPTIONS="-c client_min_messages=warning"
sql() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -d bench "$@"; }

DB=$(bench_database "$SCALE") || exit 1
hangar_cluster_start "$RUN/cluster" shared_buffers=1GB || exit 1
"$PSQL" -X -q -d postgres -c "CREATE DATABASE bench" || exit 1
EMAIL=$(sqlite3 "$DB" "SELECT email FROM users WHERE id = (SELECT max(id) / 2 FROM users)")
sql -v db="$DB" <<'SQL' || exit 1
CREATE EXTENSION hangar_fdw;
CREATE SERVER s FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'db');
CREATE SCHEMA f;
IMPORT FOREIGN SCHEMA main FROM SERVER s INTO f;
CREATE TABLE ids20 AS SELECT (g * 9973) % 200000 + 1 AS x FROM generate_series(1, 20) g;
CREATE TABLE users20 AS SELECT (g * 2999) % 60000 + 1 AS x FROM generate_series(1, 20) g;
ANALYZE users20;
CREATE TABLE ids200 AS SELECT (g * 7919) % 280000 + 1 AS x FROM generate_series(1, 200) g;
ANALYZE ids20;
ANALYZE ids200;
SQL

declare -A QUERY=(
  [lookup]="SELECT * FROM f.users WHERE email = '${EMAIL//\'/\'\'}'"
  [count]="SELECT count(*) FROM f.order_items"
  [join]="SELECT l.x, e.event_type FROM ids20 l JOIN f.events e ON e.id = l.x"
  [join_index]="SELECT l.x, o.id, o.status FROM users20 l JOIN f.orders o ON o.user_id = l.x"
  [subquery]="SELECT l.x, (SELECT o.user_id FROM f.orders o WHERE o.id = l.x) FROM ids200 l"
  [top10]="SELECT id, created_at FROM f.events ORDER BY created_at DESC, id LIMIT 10"
  [top10_text]="SELECT id, email FROM f.users ORDER BY email COLLATE \"C\" DESC LIMIT 10"
  [group]="SELECT status, count(*), max(user_id), avg(user_id) FROM f.orders GROUP BY status"
  [group_indexed]="SELECT user_id, count(*), min(id) FROM f.orders GROUP BY user_id"
  [fjoin]="SELECT o.id, o.status, u.email FROM f.orders o JOIN f.users u ON u.id = o.user_id WHERE u.id <= 20"
)
NAMES=(lookup count join join_index subquery top10 top10_text group group_indexed fjoin)
declare -A MS
for name in "${NAMES[@]}"; do
  for setting in on off; do
    answer=$(sql -At -c "SET hangar_fdw.enable_pushdown = $setting" \
                 -c "SELECT md5(string_agg(r::text, ',' ORDER BY r::text)) FROM (${QUERY[$name]}) r") || exit 1
    [ "$setting" = on ] && first=$answer
    [ "$answer" = "$first" ] || { echo "FAILED: $name answers differently with pushdown $setting" >&2; exit 1; }
    for i in $(seq 1 "$RUNS"); do
      t=$(sql -c "SET hangar_fdw.enable_pushdown = $setting" -c '\timing on' -c "\\o /dev/null" -c "${QUERY[$name]}" |
          awk '/^Time: /{print $2}') || exit 1
      MS[$name-$setting]+=" $t"
    done
    hangar_log "$name, pushdown $setting: ${MS[$name-$setting]}"
  done
done

echo
echo "# hangar_fdw pushdown benchmark: scale $SCALE, $RUNS runs each (median ms of psql \\timing)"
echo
echo "| query | pushdown on | pushdown off | ratio on/off |"
echo "|---|---:|---:|---:|"
for name in "${NAMES[@]}"; do
  # shellcheck disable=SC2086
  on=$(bench_median 2 ${MS[$name-on]}) off=$(bench_median 2 ${MS[$name-off]})
  printf '| %s | %s | %s | %s |\n' "$name" "$on" "$off" "$(awk -v a="$on" -v b="$off" 'BEGIN{printf "%.4f", a / b}')"
done
