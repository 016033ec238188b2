#!/usr/bin/env bash
# Benchmark: hangar_migrate() side by side with PostgreSQL's COPY, pgloader, the sqlite3 CLI and a
# sqlite3 | psql \copy pipeline, on two throwaway clusters in turn (one with the distribution's
# default settings, one tuned for bulk loads; both with fsync on), each contender RUNS times
# (median) on each.
#
#   bash bench/run.sh [SCALE] [RUNS]     defaults: SCALE 1 (1.26 M rows), RUNS 3
#
# HANGAR_BENCH_ONLY="migrate copy ..." runs only the named contenders (keys: migrate, copy,
# pgloader, sqlite, pipeline, ftscan), e.g. HANGAR_BENCH_ONLY=migrate for a very large scale.
# HANGAR_BENCH_CLUSTERS="default tuned" (the default) names the clusters, in the order they run.
#
# As root it installs what is missing (pgloader, sqlite3, time, postgresql-15) and re-runs itself as
# the postgres user (initdb refuses root). Work files go to $HANGAR_BENCH_WORK (default
# /tmp/hangar_bench): the generated SQLite file is cached there by scale, everything else is removed
# on exit. The report is printed and written to bench/results/<date>-scale<SCALE>.md.
# See bench/README.md.
set -uo pipefail   # no -e: a failing contender is reported and the others still run

tree=$(cd "$(dirname "$0")/.." && pwd)
bench=$tree/bench
# shellcheck source=../test/lib.sh
source "$tree/test/lib.sh"
# shellcheck source=lib.sh
source "$tree/bench/lib.sh"

PY=/usr/bin/python3
WORK=${HANGAR_BENCH_WORK:-/tmp/hangar_bench}

unprivileged=0
if [ "${1:-}" = "--unprivileged" ]; then unprivileged=1; shift; fi
SCALE=${1:-1}
RUNS=${2:-3}
if ! [[ $SCALE =~ ^[0-9]*\.?[0-9]+$ ]] || ! awk -v s="$SCALE" 'BEGIN{exit !(s > 0)}' ||
   ! [[ $RUNS =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: bash bench/run.sh [SCALE > 0] [RUNS >= 1]" >&2; exit 2
fi

# --- as root: install, then re-run as postgres and copy the report into bench/results/ -------------
if [ "$unprivileged" -eq 0 ] && [ "$(id -u)" -eq 0 ]; then
  HANGAR_PACKAGES="postgresql-15 sqlite3 pgloader time" hangar_require_packages || exit 1
  mkdir -p "$WORK/cache" && chown postgres: "$WORK" "$WORK/cache" && chmod 755 "$WORK" || exit 1
  runuser -u postgres -- test -r "$bench/run.sh" -a -r "$tree/test/lib.sh" -a -r "$bench/lib.sh" -a -r "$bench/generate_db.py" ||
    { echo "the postgres user cannot read $tree" >&2; exit 1; }
  outdir=$WORK/report.$$
  rm -rf "$outdir"; mkdir -p "$outdir"; chown postgres: "$outdir"
  trap 'rm -rf "$outdir"' EXIT
  runuser -u postgres -- env PATH="$PATH" HOME=/tmp HANGAR_BENCH_WORK="$WORK" HANGAR_BENCH_ONLY="${HANGAR_BENCH_ONLY:-}" \
    HANGAR_BENCH_CLUSTERS="${HANGAR_BENCH_CLUSTERS:-}" \
    HANGAR_BENCH_RESULTS="$outdir" bash "$bench/run.sh" --unprivileged "$SCALE" "$RUNS"
  rc=$?
  if compgen -G "$outdir/*.md" >/dev/null; then
    mkdir -p "$bench/results"
    for f in "$outdir"/*.md; do cp "$f" "$bench/results/" && hangar_log "report written to bench/results/$(basename "$f")"; done
  fi
  exit $rc
fi

# --- the benchmark proper (a non-root user) -------------------------------------------------------
PSQL="$(hangar_pg_bindir)/psql"
RESULTS=${HANGAR_BENCH_RESULTS:-$bench/results}
mkdir -p "$WORK/cache" || exit 1
RUN=$(mktemp -d "$WORK/run.XXXXXX") || exit 1
sampler_pid=""
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null
  [ -n "${CLUSTER_DIR:-}" ] && hangar_cluster_stop "$CLUSTER_DIR"
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", b - a}'; }
# Sum of psql \timing lines ("Time: 12.345 ms ...") in file $1, in seconds.
timing_sum() { awk '/^Time: /{s += $2; n++} END{if (n) printf "%.3f", s / 1000}' "$1"; }
median() {
  [ $# -eq 0 ] && return 0
  printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1}
    END{if (NR % 2) printf "%.3f", a[(NR + 1) / 2]; else printf "%.3f", (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}
max_of() { printf '%s\n' "$@" | sort -g | tail -n1; }
kb_to_mb() { awk -v k="$1" 'BEGIN{printf "%.1f", k / 1024}'; }
# Runs SQL on database $1 (rest: psql arguments); quiet, stops at the first error.
sql() { local db=$1; shift; "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
first_error() { grep -m1 -iE 'error|fatal' "$1" | cut -c1-200; }
# Whether contender $1 runs (all of them unless HANGAR_BENCH_ONLY names some).
wanted() { [ -z "${HANGAR_BENCH_ONLY:-}" ] || [[ " $HANGAR_BENCH_ONLY " == *" $1 "* ]]; }
export PGOPTIONS="-c client_min_messages=warning"

# ---- the database ----
DB=$(bench_database "$SCALE") || exit 1
mapfile -t TABLES < <("$PY" "$bench/generate_db.py" --tables)
declare -A COUNT EXPORT_SQL
TOTAL=0
for t in "${TABLES[@]}"; do
  COUNT[$t]=$(sqlite3 "$DB" "SELECT count(*) FROM $t") || { echo "cannot read $DB" >&2; exit 1; }
  TOTAL=$((TOTAL + COUNT[$t]))
  EXPORT_SQL[$t]=$("$PY" "$bench/generate_db.py" --export-sql "$t")
done
hangar_log "$TOTAL rows in ${#TABLES[@]} tables ($(du -h "$DB" | cut -f1))"
cat "$DB" >/dev/null   # every contender reads the file from the page cache

# ---- the clusters ----
# "tuned": what a DBA sets for a bulk load; "default": the distribution's defaults (initdb's, which
# are Debian's pg_createcluster's for every setting that matters here), fsync on, nothing tuned.
# Every contender runs on each cluster in turn; each cluster gets its own report section.
declare -A CLUSTER_SETTINGS=(
  [tuned]="shared_buffers=1GB max_wal_size=4GB checkpoint_timeout=30min maintenance_work_mem=512MB fsync=on"
  [default]="fsync=on"
)
read -ra CLUSTERS <<<"${HANGAR_BENCH_CLUSTERS:-default tuned}"
for c in "${CLUSTERS[@]}"; do
  [ -n "${CLUSTER_SETTINGS[$c]:-}" ] || { echo "unknown cluster \"$c\" in HANGAR_BENCH_CLUSTERS (tuned, default)" >&2; exit 2; }
done
declare -A SUMMARY   # SUMMARY[cluster.key] = median or ratio, for the closing table
: >"$RUN/report.md"
for CLUSTER in "${CLUSTERS[@]}"; do
read -ra SETTINGS <<<"${CLUSTER_SETTINGS[$CLUSTER]}"
CLUSTER_DIR=$RUN/cluster-$CLUSTER
hangar_log "cluster \"$CLUSTER\": ${SETTINGS[*]}"
hangar_cluster_start "$CLUSTER_DIR" "${SETTINGS[@]}" || exit 1
fsync=$(sql postgres -Atc "SHOW fsync")
[ "$fsync" = on ] || { echo "fsync is $fsync, expected on" >&2; exit 1; }
sql postgres -c "CREATE DATABASE bench" || exit 1
PG_VERSION=$(sql postgres -Atc "SELECT version()")
SHOWN=$(sql postgres -Atc "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings
  WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'maintenance_work_mem', 'work_mem',
                 'max_parallel_maintenance_workers', 'max_worker_processes', 'wal_buffers', 'fsync', 'synchronous_commit')")

FDW_OK=0
if sql bench -c "CREATE EXTENSION hangar_fdw" 2>"$RUN/ext.err"; then
  FDW_OK=1
else
  hangar_log "hangar_fdw is not installed: $(first_error "$RUN/ext.err")"
fi

# Results: RES[key]="t1 t2 ..." (seconds per run); NOTE[key]=text.
unset RES NOTE MED H_PEAK_MB
declare -A RES NOTE
add() { RES[$1]="${RES[$1]:-} $2"; }

# ---- (1)+(2) hangar_migrate ----
# Samples RssAnon of backend $(cat $1) every 50 ms while process $2 lives; writes the peak (kB) to $3.
sample_rss() {
  local pidfile=$1 watch=$2 out=$3 pid="" peak=0 k v _
  while kill -0 "$watch" 2>/dev/null; do
    [ -z "$pid" ] && [ -s "$pidfile" ] && pid=$(tr -dc 0-9 <"$pidfile")
    if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
      while read -r k v _; do
        [ "$k" = RssAnon: ] && { [ "$v" -gt "$peak" ] && peak=$v; break; }
      done <"/proc/$pid/status"
    fi
    sleep 0.05
  done
  echo "$peak" >"$out"
}

# One hangar_migrate call into a fresh bench_hangar schema; sets H_WALL H_COPY H_ROWS H_REJ H_VER,
# and H_RSS when $2 is "sample": the backend's peak RssAnon, sampled every 50 ms. Only an untimed
# run samples: the sampler's processes take CPU from the migration's two threads on a small
# machine (on 2 CPUs it made the copy phase about 0.5 s slower), while COPY leaves a CPU free.
migrate_once() {
  local i=$1 sample=${2:-} psql_pid
  local out=$RUN/migrate.$i.out err=$RUN/migrate.$i.err pidfile=$RUN/migrate.$i.pid
  sql bench -c "DROP SCHEMA IF EXISTS bench_hangar CASCADE" -c "CHECKPOINT" || return 1
  : >"$pidfile"
  "$PSQL" -X -v ON_ERROR_STOP=1 -d bench -A -F $'\x1f' -P footer=off -v db="$DB" >"$out" 2>"$err" <<SQL &
\t on
\o $pidfile
SELECT pg_backend_pid();
\o
\t off
\timing on
SELECT * FROM hangar_migrate(:'db', target_schema => 'bench_hangar');
SQL
  psql_pid=$!
  if [ "$sample" = sample ]; then
    sample_rss "$pidfile" "$psql_pid" "$RUN/migrate.$i.rss" &
    sampler_pid=$!
  fi
  wait "$psql_pid"; local rc=$?
  if [ -n "$sampler_pid" ]; then wait "$sampler_pid"; sampler_pid=""; fi
  [ $rc -eq 0 ] || return 1
  H_WALL=$(timing_sum "$out")
  H_RSS=""
  [ "$sample" = sample ] && H_RSS=$(cat "$RUN/migrate.$i.rss")
  H_SIZE=$(sql bench -Atc "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c
                           WHERE c.relnamespace = 'bench_hangar'::regnamespace AND c.relkind = 'r'")
  # The result: header line then one row per table; columns found by name.
  read -r H_COPY H_ROWS H_REJ H_VER < <(awk -F $'\x1f' '
    !hdr && /table_name/ {for (i = 1; i <= NF; i++) c[$i] = i; hdr = 1; next}
    hdr && /^Time: / {exit}
    hdr && NF > 1 {copy += $c["copy_seconds"]; rows += $c["rows_copied"]; rej += $c["rows_rejected"];
                   if ($c["verified"] != "t") ver = "f"}
    END {printf "%.3f %d %d %s\n", copy, rows, rej, (ver == "" ? "t" : ver)}' "$out")
  awk -F $'\x1f' '/table_name/{h=1} h && !/^Time: /' "$out" >"$RUN/migrate.last"
  return 0
}

if ! wanted migrate; then
  NOTE[migrate]="not run"
  NOTE[copyphase]="not run"
elif [ "$FDW_OK" -eq 1 ]; then
  H_CHECK=""
  for i in $(seq 1 "$RUNS"); do
    hangar_log "(1) hangar_migrate, run $i/$RUNS"
    if migrate_once "$i"; then
      add migrate "$H_WALL"; add copyphase "$H_COPY"
      [ "$H_ROWS" -ne "$TOTAL" ] && H_CHECK="rows_copied $H_ROWS of $TOTAL; "
      [ "$H_REJ" -ne 0 ] && H_CHECK="$H_CHECK$H_REJ rows rejected; "
      [ "$H_VER" != t ] && H_CHECK="${H_CHECK}not all tables verified; "
    else
      NOTE[migrate]="failed: $(first_error "$RUN/migrate.$i.err")"
      hangar_log "hangar_migrate ${NOTE[migrate]}"
      break
    fi
  done
  if [ -n "${RES[migrate]:-}" ]; then
    hangar_log "(1) hangar_migrate, one more run, untimed, sampling the backend's memory"
    H_PEAK_MB="n/a"
    migrate_once memory sample && H_PEAK_MB=$(kb_to_mb "$H_RSS")
    NOTE[migrate]="${H_CHECK}backend peak RssAnon ${H_PEAK_MB} MB (a run of its own, untimed); target tables and indexes ${H_SIZE}"
    NOTE[copyphase]="sum of copy_seconds"
  fi
else
  echo "hangar_migrate: not available"
  NOTE[migrate]="not available"
  NOTE[copyphase]="not available"
fi

# ---- (3) COPY FROM pre-exported CSV ----
EXPORT_OK=0
if wanted copy; then
  hangar_log "exporting CSV files for COPY (untimed)"
  mkdir -p "$RUN/csv"
  EXPORT_OK=1
  for t in "${TABLES[@]}"; do
    sqlite3 -csv "$DB" "${EXPORT_SQL[$t]}" >"$RUN/csv/$t.csv" || EXPORT_OK=0
  done
fi
PG_TABLES=$("$PY" "$bench/generate_db.py" --pg-tables)
PG_PKEYS=$("$PY" "$bench/generate_db.py" --pg-pkeys)
PG_CONSTRAINTS=$("$PY" "$bench/generate_db.py" --pg-constraints)
fresh_schema() {  # $1 schema: the bare tables, no keys
  { echo "DROP SCHEMA IF EXISTS $1 CASCADE; CREATE SCHEMA $1; SET search_path = $1;"
    echo "$PG_TABLES"; echo "CHECKPOINT;"; } | sql bench
}
if [ "$EXPORT_OK" -eq 1 ]; then
  for i in $(seq 1 "$RUNS"); do
    hangar_log "(3) COPY FROM csv, run $i/$RUNS"
    fresh_schema bench_copy || { NOTE[copy]="could not create the tables"; break; }
    { echo "SET search_path = bench_copy;"; echo '\timing on'
      for t in "${TABLES[@]}"; do echo "COPY $t FROM '$RUN/csv/$t.csv' (FORMAT csv);"; done
    } | "$PSQL" -X -v ON_ERROR_STOP=1 -d bench >"$RUN/copy.out" 2>"$RUN/copy.err"
    if [ $? -ne 0 ]; then NOTE[copy]="failed: $(first_error "$RUN/copy.err")"; break; fi
    n=$(awk '/^COPY [0-9]+/{s += $2} END{print s + 0}' "$RUN/copy.out")
    [ "$n" -ne "$TOTAL" ] && NOTE[copy]="copied $n of $TOTAL rows"
    add copy "$(timing_sum "$RUN/copy.out")"
  done
  sql bench -c "DROP SCHEMA IF EXISTS bench_copy CASCADE"
elif wanted copy; then
  NOTE[copy]="CSV export failed"
else
  NOTE[copy]="not run"
fi
rm -rf "$RUN/csv"

# ---- (4) pgloader ----
if ! wanted pgloader; then
  NOTE[pgloader]="not run"
elif command -v pgloader >/dev/null; then
  PGL_RSS=()
  for i in $(seq 1 "$RUNS"); do
    hangar_log "(4) pgloader, run $i/$RUNS"
    sql postgres -c "DROP DATABASE IF EXISTS bench_pgloader" -c "CREATE DATABASE bench_pgloader" -c "CHECKPOINT" || break
    t0=$(now)
    /usr/bin/time -v -o "$RUN/pgloader.time" pgloader --root-dir "$RUN/pgloader" \
      "sqlite://$DB" "pgsql://$PGUSER@127.0.0.1:$PGPORT/bench_pgloader" >"$RUN/pgloader.out" 2>&1
    rc=$?; t1=$(now)
    if [ $rc -ne 0 ]; then NOTE[pgloader]="failed (exit $rc): $(first_error "$RUN/pgloader.out")"; break; fi
    add pgloader "$(elapsed "$t0" "$t1")"
    PGL_RSS+=("$(awk -F': ' '/Maximum resident set size/{print $2}' "$RUN/pgloader.time")")
    # What it loaded: rows, indexes, foreign keys.
    n=0
    for t in "${TABLES[@]}"; do
      c=$(sql bench_pgloader -Atc "SELECT count(*) FROM $t" 2>/dev/null) || c=0
      n=$((n + c))
    done
    fks=$(sql bench_pgloader -Atc "SELECT count(*) FROM pg_constraint WHERE contype = 'f'")
    idx=$(sql bench_pgloader -Atc "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                                   JOIN pg_namespace s ON s.oid = c.relnamespace
                                   WHERE s.nspname NOT IN ('pg_catalog', 'pg_toast') AND NOT i.indisprimary")
    PGL_CHECK="loaded $n of $TOTAL rows, $idx secondary indexes, $fks FKs"
  done
  if [ -n "${RES[pgloader]:-}" ]; then
    NOTE[pgloader]="${PGL_CHECK}; peak RSS $(kb_to_mb "$(max_of "${PGL_RSS[@]}")") MB${NOTE[pgloader]:+; ${NOTE[pgloader]}}"
  fi
  sql postgres -c "DROP DATABASE IF EXISTS bench_pgloader"
  rm -rf "$RUN/pgloader"
else
  NOTE[pgloader]="pgloader not installed"
fi

# ---- (5) sqlite3 CLI full read ----
wanted sqlite || NOTE[sqlite]="not run"
for i in $(wanted sqlite && seq 1 "$RUNS"); do
  hangar_log "(5) sqlite3 full read, run $i/$RUNS"
  ok=1; t0=$(now)
  for t in "${TABLES[@]}"; do sqlite3 "$DB" "SELECT * FROM $t" >/dev/null || ok=0; done
  t1=$(now)
  [ $ok -eq 1 ] || { NOTE[sqlite]="failed"; break; }
  add sqlite "$(elapsed "$t0" "$t1")"
done

# ---- (6) sqlite3 -csv | psql \copy, then PKs, indexes, FKs ----
wanted pipeline || NOTE[pipeline]="not run"
for i in $(wanted pipeline && seq 1 "$RUNS"); do
  hangar_log "(6) sqlite3 | psql \\copy pipeline, run $i/$RUNS"
  fresh_schema bench_pipe || { NOTE[pipeline]="could not create the tables"; break; }
  ok=1; t0=$(now)
  for t in "${TABLES[@]}"; do
    sqlite3 -csv "$DB" "${EXPORT_SQL[$t]}" |
      "$PSQL" -X -q -v ON_ERROR_STOP=1 -d bench -c "\\copy bench_pipe.$t FROM STDIN (FORMAT csv)" \
        2>>"$RUN/pipe.err" || ok=0
  done
  [ $ok -eq 1 ] && { { echo "SET search_path = bench_pipe;"; echo "$PG_PKEYS"; echo "$PG_CONSTRAINTS"; } |
    sql bench 2>>"$RUN/pipe.err" || ok=0; }
  t1=$(now)
  [ $ok -eq 1 ] || { NOTE[pipeline]="failed: $(first_error "$RUN/pipe.err")"; break; }
  add pipeline "$(elapsed "$t0" "$t1")"
done
sql bench -c "DROP SCHEMA IF EXISTS bench_pipe CASCADE"

# ---- (7) full scan of the foreign tables ----
if ! wanted ftscan; then
  NOTE[ftscan]="not run"
elif [ "$FDW_OK" -eq 1 ]; then
  if sql bench -v db="$DB" 2>"$RUN/ft.err" <<'SQL'
SET client_min_messages = warning;
CREATE SERVER bench_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'db');
CREATE SCHEMA bench_ft;
IMPORT FOREIGN SCHEMA main FROM SERVER bench_srv INTO bench_ft;
SQL
  then
    for i in $(seq 1 "$RUNS"); do
      hangar_log "(7) foreign table full scan, run $i/$RUNS"
      # EXPLAIN ANALYZE builds every column of every row (SELECT *) and sends none to the client.
      { echo '\timing on'
        for t in "${TABLES[@]}"; do
          echo "EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) SELECT * FROM bench_ft.$t;"
        done
      } | "$PSQL" -X -v ON_ERROR_STOP=1 -d bench >"$RUN/ft.out" 2>"$RUN/ft.err"
      if [ $? -ne 0 ]; then NOTE[ftscan]="failed: $(first_error "$RUN/ft.err")"; break; fi
      n=$(grep -E 'Foreign Scan' "$RUN/ft.out" | sed -E 's/.*actual rows=([0-9]+).*/\1/' | awk '{s += $1} END{print s + 0}')
      [ "$n" -ne "$TOTAL" ] && NOTE[ftscan]="scanned $n of $TOTAL rows"
      add ftscan "$(timing_sum "$RUN/ft.out")"
    done
  else
    NOTE[ftscan]="IMPORT FOREIGN SCHEMA failed: $(first_error "$RUN/ft.err")"
  fi
else
  NOTE[ftscan]="hangar_fdw not installed"
  echo "foreign table scan: skipped, hangar_fdw is not installed"
fi

# ---- report of this cluster ----
declare -A MED
for k in migrate copyphase copy pgloader sqlite pipeline ftscan; do
  # shellcheck disable=SC2086
  MED[$k]=$(median ${RES[$k]:-})
done
ratio() {
  local a=${MED[$1]:-} b=${MED[$2]:-}
  if [ -n "$a" ] && [ -n "$b" ] && awk -v b="$b" 'BEGIN{exit !(b > 0)}'; then
    awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a / b}'
  else
    echo "n/a"
  fi
}
rate() {
  local s=${MED[$1]:-}
  if [ -n "$s" ] && awk -v s="$s" 'BEGIN{exit !(s > 0)}'; then
    awk -v n="$TOTAL" -v s="$s" 'BEGIN{printf "%.0f", n / s}'
  else echo "n/a"; fi
}
row() {  # key label
  local runs
  runs=$(echo "${RES[$1]:-}" | xargs | tr ' ' '/')
  printf '| %-52s | %9s | %10s | %-22s | %s |\n' "$2" "${MED[$1]:-n/a}" "$(rate "$1")" "${runs:--}" "${NOTE[$1]:-}"
}
DATE=$(date +%Y-%m-%d)
CPU=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
MEM=$(awk '/^MemTotal/{printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
report_header() {
  echo "# hangar_fdw benchmark, scale $SCALE"
  echo
  echo "- date: $(date '+%Y-%m-%d %H:%M %Z')"
  echo "- data: $TOTAL rows in ${#TABLES[@]} tables ($(for t in "${TABLES[@]}"; do printf '%s %s, ' "$t" "${COUNT[$t]}"; done | sed 's/, $//')); SQLite file $(du -h "$DB" | cut -f1)"
  echo "- machine: $(nproc) CPUs ($CPU), $MEM RAM"
  echo "- PostgreSQL: $PG_VERSION"
  echo "- SQLite: $(sqlite3 --version | cut -d' ' -f1) (CLI), $("$PY" -c 'import sqlite3; print(sqlite3.sqlite_version)') (Python); pgloader: $(pgloader --version 2>/dev/null | head -n1 | sed 's/pgloader version //; s/"//g')"
  echo "- clusters: ${CLUSTERS[*]} (one section each, every contender on each)"
  echo "- runs: $RUNS per contender, median shown (all runs in the runs column, seconds)"
}
report() {
  echo
  echo "## cluster \"$CLUSTER\""
  echo
  echo "- settings given: ${SETTINGS[*]}; other settings default"
  echo "- in effect: $SHOWN"
  echo
  printf '| %-52s | %9s | %10s | %-22s | %s |\n' "measurement" "median s" "rows/s" "runs" "notes"
  printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" "----------:" "-----------:" "$(printf -- '-%.0s' {1..24})" "-------"
  row migrate   "(1) hangar_migrate(), whole call"
  row copyphase "(2) hangar_migrate() data-copy phase"
  row copy      "(3) COPY FROM csv into bare tables (no keys, like (2))"
  row pgloader  "(4) pgloader (tables, indexes, FKs, sequences)"
  row sqlite    "(5) sqlite3 CLI: SELECT * of every table"
  row pipeline  "(6) sqlite3 -csv piped to psql \\copy; PKs, idx, FKs"
  row ftscan    "(7) foreign tables: EXPLAIN ANALYZE SELECT *"
  echo
  echo "| ratio | value | meaning |"
  echo "|---|---:|---|"
  echo "| (1)/(4) | $(ratio migrate pgloader) | hangar_migrate vs pgloader, whole migration (< 1: hangar faster) |"
  echo "| (2)/(3) | $(ratio copyphase copy) | hangar's copy phase vs COPY of ready-made CSV (the floor) |"
  echo "| (1)/(6) | $(ratio migrate pipeline) | hangar_migrate vs the shell pipeline with the same PKs, indexes, FKs |"
  echo "| (7)/(5) | $(ratio ftscan sqlite) | reading every row through the FDW vs the sqlite3 CLI |"
  if [ -s "$RUN/migrate.last" ]; then
    echo
    echo "hangar_migrate result of the last run:"
    echo
    awk -F $'\x1f' 'NR == 1 {printf "|"; for (i = 1; i <= NF; i++) printf " %s |", $i; printf "\n|";
                              for (i = 1; i <= NF; i++) printf "---|"; printf "\n"; next}
                    {printf "|"; for (i = 1; i <= NF; i++) printf " %s |", ($i ~ /^[0-9]+\.[0-9]{4,}$/ ? sprintf("%.3f", $i) : $i)
                     printf "\n"}' "$RUN/migrate.last"
  fi
}
for k in migrate copyphase copy pgloader pipeline; do SUMMARY[$CLUSTER.$k]=${MED[$k]:-n/a}; done
SUMMARY[$CLUSTER.r14]=$(ratio migrate pgloader)
SUMMARY[$CLUSTER.r23]=$(ratio copyphase copy)
SUMMARY[$CLUSTER.r16]=$(ratio migrate pipeline)
SUMMARY[$CLUSTER.peak]=${H_PEAK_MB:-n/a}
report >>"$RUN/report.md"
hangar_cluster_stop "$CLUSTER_DIR"
done   # for CLUSTER

# ---- the whole report: header, both clusters side by side, then each cluster's section ----
{
  report_header
  echo
  printf '| %-44s |' "cluster"; for c in "${CLUSTERS[@]}"; do printf ' %s |' "$c"; done; echo
  printf '|---|'; for c in "${CLUSTERS[@]}"; do printf -- '---:|'; done; echo
  summary_row() {  # key label
    printf '| %-44s |' "$2"; for c in "${CLUSTERS[@]}"; do printf ' %s |' "${SUMMARY[$c.$1]:-n/a}"; done; echo
  }
  summary_row migrate   "(1) hangar_migrate(), whole call, s"
  summary_row copyphase "(2) its copy phase, s"
  summary_row copy      "(3) COPY FROM csv, s"
  summary_row pgloader  "(4) pgloader, s"
  summary_row pipeline  "(6) sqlite3 -csv | psql, PKs, idx, FKs, s"
  summary_row r14       "(1)/(4) vs pgloader (target <= 0.25)"
  summary_row r16       "(1)/(6) vs the pipeline (target <= 1.0)"
  summary_row r23       "(2)/(3) copy vs COPY (target <= 0.9)"
  summary_row peak      "backend peak RssAnon of (1), MB"
  cat "$RUN/report.md"
} >"$RUN/report.full.md"
echo
cat "$RUN/report.full.md"
mv "$RUN/report.full.md" "$RUN/report.md"
mkdir -p "$RESULTS" 2>/dev/null && cp "$RUN/report.md" "$RESULTS/$DATE-scale$SCALE.md" ||
  hangar_log "could not write $RESULTS/$DATE-scale$SCALE.md"
exit 0
