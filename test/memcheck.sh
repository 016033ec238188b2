#!/usr/bin/env bash
# The pg_regress suite with every PostgreSQL process under valgrind memcheck: installs what is
# missing (valgrind among it), builds and installs hangar_fdw, starts a throwaway cluster in
# tmp_memcheck/ whose postmaster (and so every backend it forks) runs under valgrind, runs
# make installcheck against it, and prints every valgrind report whose stack passes through
# hangar_fdw. Exits non-zero if there is any. Slow (tens of minutes); not part of CI.
#
# Debian's PostgreSQL is not built with USE_VALGRIND, so memory that palloc hands out is not
# tracked; what is checked is every malloc'd byte (C++ objects, SQLite, the reader thread),
# uses of uninitialised values, and invalid reads and writes anywhere in hangar_fdw's code.
# test/valgrind.supp suppresses the reports PostgreSQL itself causes (WAL padding and the like).
set -euo pipefail
tree=$(cd "$(dirname "$0")/.." && pwd)
source "$tree/test/lib.sh"

if [ "${1:-}" != "--unprivileged" ]; then
  hangar_require_packages valgrind
  hangar_build_install "$tree"
  # the copy keeps valgrind's logs (tmp_memcheck/valgrind/) for a look at the reports
  HANGAR_KEEP_COPY=1 hangar_run_unprivileged "$tree" test/memcheck.sh --unprivileged
  exit
fi

cd "$tree"
work=$tree/tmp_memcheck
hangar_cluster_stop "$work"
rm -rf "$work"
mkdir -p "$work/valgrind"
# pg_ctl starts the postmaster through this wrapper (pg_ctl -p), so valgrind follows every fork.
cat >"$work/postgres-under-valgrind" <<WRAP
#!/bin/sh
exec valgrind --tool=memcheck --trace-children=no --child-silent-after-fork=no \
  --track-origins=yes --read-var-info=no --num-callers=30 --error-limit=no \
  --suppressions="$tree/test/valgrind.supp" \
  --log-file="$work/valgrind/%p.log" "$(hangar_pg_bindir)/postgres" "\$@"
WRAP
chmod +x "$work/postgres-under-valgrind"
hangar_pg_bindir_orig=$(hangar_pg_bindir)
"$hangar_pg_bindir_orig/initdb" -D "$work/data" -A trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log"
port=$(hangar_free_port)
"$hangar_pg_bindir_orig/pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 300 -p "$work/postgres-under-valgrind" \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $work -c fsync=off -c max_connections=20" start >/dev/null
trap 'hangar_cluster_stop "$work"' EXIT
export PGHOST=$work PGPORT=$port PGUSER=$(id -un) PGDATABASE=postgres

hangar_log "pg_regress suite with every backend under valgrind (slow)"
make -s installcheck || hangar_log "some regression tests differ under valgrind (timing); the reports below are what counts"
hangar_cluster_stop "$work"

# A report is a block of lines between blank ones; keep those that name hangar_fdw.so anywhere
# (in the stack of the error or as the origin of an uninitialised value).
reports=$(awk 'FNR == 1 { block = "" }
               /^==[0-9]+== $/ { if (block ~ /hangar_fdw\.so/) print block "\n"; block = ""; next }
               { block = block $0 "\n" }
               END { if (block ~ /hangar_fdw\.so/) print block }' "$work"/valgrind/*.log)
total=$(grep -h "ERROR SUMMARY" "$work"/valgrind/*.log | awk '{ sum += $4 } END { print sum + 0 }')
suppressed=$(grep -h "ERROR SUMMARY" "$work"/valgrind/*.log | sed 's/.*suppressed: \([0-9]*\).*/\1/' |
  awk '{ sum += $1 } END { print sum + 0 }')
processes=$(ls "$work"/valgrind/*.log | wc -l)
if [ -n "$reports" ]; then
  printf '%s\n' "$reports"
  hangar_log "memcheck: valgrind reports through hangar_fdw code: $(printf '%s\n' "$reports" | grep -c 'hangar_fdw\.so' || true) frames; all reports in $processes processes: $total"
  exit 1
fi
# The others, one line each: the kind of report and the first frame of its stack.
awk '/^==[0-9]+== [A-Z]/ && !/ERROR SUMMARY|Memcheck|Copyright|Using Valgrind|Command:|Parent PID|HEAP SUMMARY|LEAK SUMMARY|For lists|For counts|Rerun with|All heap|in use at exit|total heap/ { kind = $0; want = 1; next }
     want && /(at|by) 0x/ { sub(/^==[0-9]+== +/, "", kind); sub(/^==[0-9]+== +(at|by) 0x[0-9A-F]+: /, ""); print "  " kind " in " $0; want = 0 }' \
  "$work"/valgrind/*.log | sort | uniq -c
hangar_log "memcheck: no valgrind report names hangar_fdw ($processes processes checked; $total other reports, $suppressed suppressed as PostgreSQL's own)"
hangar_log "memcheck: valgrind's logs are in $work/valgrind"
