#!/usr/bin/env bash
# Benchmark of hangar_sync (issue 12) on the benchmark's SQLite file (bench/generate_db.py; scale 1:
# 1.26 M rows), on one cluster, each step timed by psql's \timing, RUNS rounds (median):
#   migrate   a fresh hangar_migrate of the file into its own schema
#   first     the first hangar_sync after it (nothing changed; the state is written)
#   sync_1pct hangar_sync after 1% of every table's rows were changed in SQLite (an update of
#             every hundredth row, plus inserts and deletes of a tenth of a percent)
#   sync_none hangar_sync again, with nothing new
# then the same with change capture (hangar_capture_start before the migration):
#   capture_1pct  hangar_sync after the same 1% of changes, reading only the logged rows
#   capture_none  hangar_sync again, with nothing new
# and the ratios against the fresh migration, and the size of hangar.sync_state per million rows
# after the first sync (vacuumed).
#
#   bash bench/sync.sh [SCALE] [RUNS]     defaults: SCALE 1, RUNS 3
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
RUNS=${2:-3}
[ "$unprivileged" -eq 1 ] ||
  HANGAR_PACKAGES="postgresql-15 sqlite3" bench_rerun_as_postgres "$tree/bench/sync.sh" "$SCALE" "$RUNS"

PSQL="$(hangar_pg_bindir)/psql"
RUN=$(mkdir -p "$WORK/cache" && mktemp -d "$WORK/sync.XXXXXX") || exit 1
trap 'hangar_cluster_stop "$RUN/cluster"; rm -rf "$RUN"' EXIT
trap 'exit 130' INT TERM
export PGOPTIONS="-c client_min_messages=warning"
timed() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -d bench -c '\timing on' -c "\\o /dev/null" -c "$1" | awk '/^Time: /{print $2}'; }

SOURCE=$(bench_database "$SCALE") || exit 1
hangar_cluster_start "$RUN/cluster" shared_buffers=1GB || exit 1
"$PSQL" -X -q -d postgres -c "CREATE DATABASE bench" || exit 1
"$PSQL" -X -q -d bench -c "CREATE EXTENSION hangar_fdw" || exit 1
declare -A MS
# 1% of the rows of every table changed: an update of every hundredth row, plus inserts and
# deletes of a tenth of a percent.
change_one_percent() {
  sqlite3 "$1" "
    UPDATE users SET full_name = coalesce(full_name, '') || '*' WHERE id % 100 = 0;
    UPDATE products SET name = name || '*' WHERE id % 100 = 0;
    UPDATE orders SET status = 'refunded' WHERE id % 100 = 0;
    UPDATE order_items SET quantity = quantity + 1 WHERE id % 100 = 0;
    UPDATE events SET event_type = 'changed' WHERE id % 100 = 0;
    INSERT INTO events (user_id, event_type, session_id, created_at)
      SELECT user_id, 'new', session_id, created_at FROM events WHERE id % 1000 = 1;
    DELETE FROM order_items WHERE id % 1000 = 7;"
}
# Every table of schema $2 equals the file $1 (hangar_verify).
check_verified() {
  local wrong
  wrong=$("$PSQL" -X -At -d bench -c "SELECT count(*) FROM hangar_verify('$1', '$2') WHERE verified IS FALSE")
  [ "$wrong" = 0 ] || { echo "FAILED: $wrong tables differ from SQLite after the sync" >&2; return 1; }
}
for run in $(seq 1 "$RUNS"); do
  DB=$RUN/app.db
  cp "$SOURCE" "$DB"
  schema=s$run
  MS[migrate]+=" $(timed "SELECT count(*) FROM hangar_migrate('$DB', '$schema')")"
  MS[first]+=" $(timed "SELECT count(*) FROM hangar_sync('$DB', '$schema')")"
  if [ "$run" -eq 1 ]; then
    "$PSQL" -X -q -d bench -c "VACUUM hangar.sync_state"
    per_million=$("$PSQL" -X -At -d bench -c "SELECT pg_size_pretty((pg_total_relation_size('hangar.sync_state') * 1000000.0 / sum(row_count))::bigint) FROM hangar.sync_state")
  fi
  change_one_percent "$DB" || exit 1
  MS[sync_1pct]+=" $(timed "SELECT count(*) FROM hangar_sync('$DB', '$schema')")"
  MS[sync_none]+=" $(timed "SELECT count(*) FROM hangar_sync('$DB', '$schema')")"
  check_verified "$DB" "$schema" || exit 1
  "$PSQL" -X -q -d bench -c "DROP SCHEMA $schema CASCADE" || exit 1
  # the same with change capture, started before the migration
  cp "$SOURCE" "$DB"
  "$PSQL" -X -q -d bench -c "SELECT count(*) FROM hangar_capture_start('$DB')" || exit 1
  "$PSQL" -X -q -d bench -c "SELECT count(*) FROM hangar_migrate('$DB', '$schema')" || exit 1
  change_one_percent "$DB" || exit 1
  MS[capture_1pct]+=" $(timed "SELECT count(*) FROM hangar_sync('$DB', '$schema')")"
  MS[capture_none]+=" $(timed "SELECT count(*) FROM hangar_sync('$DB', '$schema')")"
  check_verified "$DB" "$schema" || exit 1
  hangar_log "round $run: ${MS[migrate]##* } / ${MS[first]##* } / ${MS[sync_1pct]##* } / ${MS[sync_none]##* } / ${MS[capture_1pct]##* } / ${MS[capture_none]##* } ms"
  "$PSQL" -X -q -d bench -c "DROP SCHEMA $schema CASCADE"
done

echo
echo "# hangar_sync benchmark: scale $SCALE, $RUNS rounds (median ms of psql \\timing)"
echo
echo "| step | ms | ratio to a fresh migration |"
echo "|---|---:|---:|"
# shellcheck disable=SC2086
m=$(bench_median 2 ${MS[migrate]})
for step in migrate first sync_1pct sync_none capture_1pct capture_none; do
  # shellcheck disable=SC2086
  v=$(bench_median 2 ${MS[$step]})
  printf '| %s | %s | %s |\n' "$step" "$v" "$(awk -v a="$v" -v b="$m" 'BEGIN{printf "%.2f", a / b}')"
done
echo
echo "hangar.sync_state after the first sync: $per_million per million rows (table, TOAST and index, vacuumed)"
