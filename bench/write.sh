#!/usr/bin/env bash
# Benchmark: writing 200,000 rows into a SQLite file through an updatable hangar_fdw foreign table
# (INSERT INTO ft SELECT ... FROM a local table) side by side with Python's sqlite3 executemany of
# the same rows in one transaction. Each contender writes into a fresh, empty file with the same
# schema, in the default rollback journal and in WAL mode, RUNS times (median).
#
#   bash bench/write.sh [RUNS]     default: RUNS 3
#
# As root it installs what is missing (postgresql-15, sqlite3) and re-runs itself as the postgres user
# (initdb refuses root). hangar_fdw has to be installed already (make install). The cluster and files
# live in a fresh folder under $HANGAR_BENCH_WORK (default /tmp/hangar_bench), removed on exit. The
# report (markdown) goes to stdout, progress to stderr. See bench/README.md.
set -uo pipefail

tree=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../test/lib.sh
source "$tree/test/lib.sh"
# shellcheck source=lib.sh
source "$tree/bench/lib.sh"

PY=/usr/bin/python3
WORK=${HANGAR_BENCH_WORK:-/tmp/hangar_bench}
N=200000

unprivileged=0
if [ "${1:-}" = "--unprivileged" ]; then unprivileged=1; shift; fi
RUNS=${1:-3}
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "usage: bash bench/write.sh [RUNS >= 1]" >&2; exit 2; }

# --- as root: install what is missing, then re-run as postgres --------------------------------------
[ "$unprivileged" -eq 1 ] ||
  HANGAR_PACKAGES="postgresql-15 sqlite3" bench_rerun_as_postgres "$tree/bench/write.sh" "$RUNS"

# --- the benchmark proper (a non-root user) ----------------------------------------------------------
PSQL="$(hangar_pg_bindir)/psql"
RUN=$(mkdir -p "$WORK" && mktemp -d "$WORK/write.XXXXXX") || exit 1
trap 'hangar_cluster_stop "$RUN/cluster"; rm -rf "$RUN"' EXIT
trap 'exit 130' INT TERM
export PGOPTIONS="-c client_min_messages=warning"

sql() { local db=$1; shift; "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
SCHEMA="CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, price NUMERIC(12,2), qty INTEGER,
  active BOOLEAN, created_at DATETIME, note TEXT);"
# A fresh SQLite file $1 with the items table in journal mode $2 (delete or wal, kept in the file).
fresh_db() {
  rm -f "$1" "$1-journal" "$1-wal" "$1-shm"
  sqlite3 "$1" "PRAGMA journal_mode=$2;" "$SCHEMA" >/dev/null || { echo "cannot create $1" >&2; exit 1; }
}
# Waits until backend $1 has exited: it closes its SQLite connection only on exit (in WAL mode that
# checkpoints the WAL into the file), after psql has already returned.
wait_exit() { local n=0; while kill -0 "$1" 2>/dev/null && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done; }

# ---- the cluster, the source rows (untimed) and the foreign table ----
hangar_cluster_start "$RUN/cluster" shared_buffers=1GB max_wal_size=4GB checkpoint_timeout=30min fsync=on || exit 1
[ "$(sql postgres -Atc 'SHOW fsync')" = on ] || { echo "fsync is not on" >&2; exit 1; }
sql postgres -c "CREATE DATABASE bench" || exit 1
HDB=$RUN/hangar.db
# The same rows as `rows` in the Python script below: row i is a function of i alone.
sql bench -v n="$N" -v db="$HDB" <<'SQL' || exit 1
CREATE EXTENSION hangar_fdw;
CREATE TABLE src (id int, name varchar(100), price numeric(12,2), qty int, active boolean,
                  created_at timestamp, note text);
INSERT INTO src
SELECT i, 'Product ' || i, ((i * 7919) % 100000) / 100.0, i % 500, i % 3 <> 0,
       timestamp '2024-01-01' + (i::bigint * 123456789) * interval '1 microsecond',
       CASE WHEN i % 10 = 0 THEN NULL ELSE 'Note for item ' || i || ': it''s fine' END
FROM generate_series(1, :n) AS i;
VACUUM ANALYZE src;
CREATE SERVER s FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database :'db', updatable 'true');
CREATE FOREIGN TABLE ft (id int, name varchar(100), price numeric(12,2), qty int, active boolean,
                         created_at timestamp, note text) SERVER s OPTIONS (table_name 'items');
SQL
INSERT_SQL="INSERT INTO ft (id, name, price, qty, active, created_at, note)
            SELECT id, name, price, qty, active, created_at, note FROM src"

# Python: builds the rows (untimed), then times executemany + commit; prints seconds.
PY_BENCH=$(cat <<'PY'
import sqlite3, sys, time
from datetime import datetime, timedelta
path, n = sys.argv[1], int(sys.argv[2])
base = datetime(2024, 1, 1)
rows = [(i, f"Product {i}", ((i * 7919) % 100000) / 100, i % 500, int(i % 3 != 0),
         (base + timedelta(microseconds=i * 123456789)).strftime("%Y-%m-%d %H:%M:%S.%f"),
         None if i % 10 == 0 else f"Note for item {i}: it's fine") for i in range(1, n + 1)]
con = sqlite3.connect(path)
t0 = time.perf_counter()
con.executemany("INSERT INTO items VALUES (?,?,?,?,?,?,?)", rows)
con.commit()
print(f"{time.perf_counter() - t0:.3f}")
con.close()
PY
)

# ---- the runs ----
declare -A RES
for mode in delete wal; do
  for i in $(seq 1 "$RUNS"); do
    hangar_log "journal_mode=$mode, run $i/$RUNS: hangar_fdw INSERT ... SELECT"
    fresh_db "$HDB" "$mode"
    sql bench -c "CHECKPOINT" || exit 1
    # psql \timing of the one autocommit statement: the INSERT and the commit (SQLite's COMMIT runs
    # at PRE_COMMIT), as the client sees it; the session's connection setup is not included.
    "$PSQL" -X -v ON_ERROR_STOP=1 -d bench -c '\t on' -c "\\o $RUN/h.pid" -c 'SELECT pg_backend_pid()' -c '\o' \
      -c '\t off' -c '\timing on' -c "$INSERT_SQL" >"$RUN/h.out" 2>"$RUN/h.err" ||
      { echo "hangar INSERT failed:" >&2; cat "$RUN/h.err" >&2; exit 1; }
    wait_exit "$(tr -dc 0-9 <"$RUN/h.pid")"
    [ -s "$RUN/h.err" ] && { echo "psql printed on stderr:" >&2; cat "$RUN/h.err" >&2; }
    grep -q "^INSERT 0 $N\$" "$RUN/h.out" || { echo "unexpected psql output:" >&2; cat "$RUN/h.out" >&2; exit 1; }
    count=$(sqlite3 "$HDB" "SELECT count(*) FROM items") || { echo "FAILED: cannot read $HDB" >&2; exit 1; }
    hangar_log "SQLite file after the hangar run: $count rows"
    [ "$count" = "$N" ] || { echo "FAILED: $HDB has $count rows, expected $N" >&2; exit 1; }
    RES[hangar_$mode]+=" $(awk '/^Time: /{printf "%.3f", $2 / 1000}' "$RUN/h.out")"

    hangar_log "journal_mode=$mode, run $i/$RUNS: python sqlite3 executemany"
    fresh_db "$RUN/python.db" "$mode"
    t=$("$PY" -c "$PY_BENCH" "$RUN/python.db" "$N") || { echo "python contender failed" >&2; exit 1; }
    RES[python_$mode]+=" $t"
    # Both files must hold the same values of the same SQLite types, row by row.
    diff=$(sqlite3 "$HDB" "ATTACH '$RUN/python.db' AS p; SELECT count(*) FROM items h FULL JOIN p.items q USING (id)
      WHERE (h.name, h.price, h.qty, h.active, h.created_at, h.note) IS NOT (q.name, q.price, q.qty, q.active, q.created_at, q.note)
         OR typeof(h.price) <> typeof(q.price) OR h.id IS NULL OR q.id IS NULL")
    [ "$diff" = 0 ] || { echo "FAILED: the hangar and python files differ in ${diff:-?} rows" >&2; exit 1; }
  done
done

# ---- report ----
PYV=$("$PY" -c 'import platform, sqlite3; print(platform.python_version(), "with SQLite", sqlite3.sqlite_version)')
echo
echo "# hangar_fdw write benchmark: $N rows, $RUNS runs each (median, seconds)"
echo
echo "- $(sql postgres -Atc 'SELECT version()' | cut -d, -f1); Python $PYV; fsync on"
echo "- hangar: psql \\timing of \`INSERT INTO ft ... SELECT ... FROM src\` (autocommit, includes the commit)"
echo "- python: time.perf_counter() around \`executemany(...)\` + \`commit()\` (rows built beforehand)"
echo "- checked after each run: the hangar file has $N rows (sqlite3 count(*)) and the same rows as python's"
echo
echo "| journal mode | hangar median s | python median s | ratio hangar/python | hangar runs | python runs |"
echo "|---|---:|---:|---:|---|---|"
for mode in delete wal; do
  # shellcheck disable=SC2086
  h=$(bench_median 3 ${RES[hangar_$mode]}) p=$(bench_median 3 ${RES[python_$mode]})
  printf '| %s | %s | %s | %s | %s | %s |\n' "$mode" "$h" "$p" "$(awk -v a="$h" -v b="$p" 'BEGIN{printf "%.2f", a / b}')" \
    "$(echo "${RES[hangar_$mode]}" | xargs | tr ' ' /)" "$(echo "${RES[python_$mode]}" | xargs | tr ' ' /)"
done
echo
echo "Target: ratio <= 2.0 (rollback journal)."
