# What the benchmark scripts share (sourced after test/lib.sh): running as the postgres user, and
# the generated benchmark database, cached in $WORK/cache by scale and generator version.

# As root: installs $HANGAR_PACKAGES, prepares $WORK and re-runs SCRIPT as postgres with
# --unprivileged and the given arguments (initdb refuses root). Returns only when not root.
bench_rerun_as_postgres() {
  local script=$1
  shift
  [ "$(id -u)" -eq 0 ] || return 0
  hangar_require_packages || exit 1
  mkdir -p "$WORK/cache" && chown postgres: "$WORK" "$WORK/cache" && chmod 755 "$WORK" || exit 1
  runuser -u postgres -- test -r "$script" -a -r "$tree/test/lib.sh" -a -r "$tree/bench/lib.sh" ||
    { echo "the postgres user cannot read $tree" >&2; exit 1; }
  exec runuser -u postgres -- env PATH="$PATH" HOME=/tmp HANGAR_BENCH_WORK="$WORK" \
    bash "$script" --unprivileged "$@"
}

# Prints the path of the benchmark database at scale $1, generating it first when not cached
# (generate_db.py is deterministic: the same scale and version always give the same file).
bench_database() {
  local scale=$1 db t0
  db=$WORK/cache/bench-scale$scale-$(sha1sum "$tree/bench/generate_db.py" | cut -c1-8).db
  if [ ! -s "$db" ]; then
    hangar_log "generating the SQLite database at scale $scale: $db"
    t0=$(date +%s.%N)
    /usr/bin/python3 "$tree/bench/generate_db.py" "$db" "$scale" >&2 || return 1
    hangar_log "generated in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.3f", b - a}') s"
  else
    hangar_log "using the cached database $db"
  fi
  echo "$db"
}

# The median of the numbers given after the decimals to print it with: bench_median 2 3.1 2.9 4.0
bench_median() {
  local decimals=$1
  shift
  printf '%s\n' "$@" | sort -g |
    awk -v f="%.${decimals}f" '{a[NR] = $1} END{printf f, (a[int((NR + 1) / 2)] + a[int(NR / 2) + 1]) / 2}'
}
