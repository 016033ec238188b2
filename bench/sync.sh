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
# and a floor that no sync can beat: the same changes written by plain SQL in PostgreSQL into a
# fresh migration of the file, each table's rows found by key from a table of the changed keys
# (made beforehand, not timed): what PostgreSQL itself costs for those updates, inserts and
# deletes (a sync must also read SQLite and the state, and check every row it writes):
#   floor_1pct    UPDATE ... FROM, INSERT ... SELECT and DELETE ... USING, in one transaction
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
# The floor's tables of the keys change_one_percent changes, in schema floor, read from the
# unchanged file $2 with sqlite3 so that the target's pages are not read into PostgreSQL's
# buffers before the timed writes (a sync finds them where the migration left them). Orders
# already 'refunded' are left out, as SQLite's update leaves them as they were (a sync writes no
# row whose content is unchanged).
floor_keys() {
  local schema=$1 file=$2 t
  "$PSQL" -X -q -v ON_ERROR_STOP=1 -d bench -c "CREATE SCHEMA floor" \
    -c "CREATE TABLE floor.new_events (LIKE $schema.events)" || return 1
  for t in users products orders order_items events gone; do
    "$PSQL" -X -q -v ON_ERROR_STOP=1 -d bench -c "CREATE TABLE floor.$t (id bigint)" || return 1
  done
  floor_copy "$file" users "SELECT id FROM users WHERE id % 100 = 0" &&
    floor_copy "$file" products "SELECT id FROM products WHERE id % 100 = 0" &&
    floor_copy "$file" orders "SELECT id FROM orders WHERE id % 100 = 0 AND status <> 'refunded'" &&
    floor_copy "$file" order_items "SELECT id FROM order_items WHERE id % 100 = 0" &&
    floor_copy "$file" events "SELECT id FROM events WHERE id % 100 = 0" &&
    floor_copy "$file" gone "SELECT id FROM order_items WHERE id % 1000 = 7" &&
    floor_copy "$file" new_events "SELECT id + (SELECT max(id) FROM events), user_id, 'new', session_id, ip_address,
      user_agent, payload, created_at FROM events WHERE id % 1000 = 1" &&
    "$PSQL" -X -q -d bench -c "ANALYZE floor.users, floor.products, floor.orders, floor.order_items, floor.events, floor.gone, floor.new_events"
}
floor_copy() { sqlite3 -csv "$1" "$3" | "$PSQL" -X -q -v ON_ERROR_STOP=1 -d bench -c "\\copy floor.$2 FROM STDIN (FORMAT csv)"; }
# The floor's timed writes: change_one_percent's changes, by key (joins through the primary key's
# index, as hangar_sync makes them for few rows), in one transaction.
floor_writes() {
  echo "SET enable_hashjoin = off; SET enable_mergejoin = off;
    UPDATE $1.users t SET full_name = coalesce(full_name, '') || '*' FROM floor.users k WHERE t.id = k.id;
    UPDATE $1.products t SET name = name || '*' FROM floor.products k WHERE t.id = k.id;
    UPDATE $1.orders t SET status = 'refunded' FROM floor.orders k WHERE t.id = k.id;
    UPDATE $1.order_items t SET quantity = quantity + 1 FROM floor.order_items k WHERE t.id = k.id;
    UPDATE $1.events t SET event_type = 'changed' FROM floor.events k WHERE t.id = k.id;
    INSERT INTO $1.events SELECT * FROM floor.new_events;
    DELETE FROM $1.order_items t USING floor.gone k WHERE t.id = k.id;"
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
  "$PSQL" -X -q -d bench -c "DROP SCHEMA $schema CASCADE"
  # the floor: the same changes by plain SQL in PostgreSQL, into a fresh migration
  cp "$SOURCE" "$DB"
  "$PSQL" -X -q -d bench -c "SELECT count(*) FROM hangar_migrate('$DB', '$schema')" || exit 1
  floor_keys "$schema" "$SOURCE" || exit 1
  MS[floor_1pct]+=" $(timed "$(floor_writes "$schema")")"
  hangar_log "round $run: ${MS[migrate]##* } / ${MS[first]##* } / ${MS[sync_1pct]##* } / ${MS[sync_none]##* } / ${MS[capture_1pct]##* } / ${MS[capture_none]##* } / floor ${MS[floor_1pct]##* } ms"
  "$PSQL" -X -q -d bench -c "DROP SCHEMA $schema CASCADE" -c "DROP SCHEMA floor CASCADE"
done

echo
echo "# hangar_sync benchmark: scale $SCALE, $RUNS rounds (median ms of psql \\timing)"
echo
echo "| step | ms | ratio to a fresh migration |"
echo "|---|---:|---:|"
# shellcheck disable=SC2086
m=$(bench_median 2 ${MS[migrate]})
for step in migrate first sync_1pct sync_none capture_1pct capture_none floor_1pct; do
  # shellcheck disable=SC2086
  v=$(bench_median 2 ${MS[$step]})
  printf '| %s | %s | %s |\n' "$step" "$v" "$(awk -v a="$v" -v b="$m" 'BEGIN{printf "%.2f", a / b}')"
done
# shellcheck disable=SC2086
f=$(bench_median 2 ${MS[floor_1pct]})
# shellcheck disable=SC2086
c=$(bench_median 2 ${MS[capture_1pct]})
echo
echo "capture_1pct / floor_1pct: $(awk -v a="$c" -v b="$f" 'BEGIN{printf "%.2f", a / b}') (a sync with change capture against PostgreSQL's own writes of the same rows)"
echo
echo "hangar.sync_state after the first sync: $per_million per million rows (table, TOAST and index, vacuumed)"
