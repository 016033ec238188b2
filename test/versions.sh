#!/usr/bin/env bash
# Proves hangar_fdw on one PostgreSQL major in a Debian chroot: `bash test/versions.sh N`,
# N = 15 (Debian bookworm, the host's major, tested without touching the host's PostgreSQL),
# 17 (trixie) or 18 (sid). As root (or through sudo): makes a minimal Debian chroot with
# debootstrap from the host's Debian mirror, kept in
# ${HANGAR_CHROOT_CACHE:-/var/cache/hangar-chroots}/<release> and reused when present (delete it
# to start afresh; test/chroot.sh); installs PostgreSQL N, its server headers, SQLite, pgTAP and
# pg_prove there; copies this tree into it, builds and installs hangar_fdw, and runs the
# pg_regress suite (make installcheck) and the pgTAP suite (pg_prove) on a throwaway cluster
# started as the postgres user. Stops the cluster and unmounts what it mounted on exit; exits
# non-zero if any step or test fails.
# The unit tests, fuzzer, write race and Alembic test do not depend on the major: test/run-all.sh
# runs them on the host. The same script runs the inside steps (--in-chroot, then --tests).
set -euo pipefail
tree=$(cd "$(dirname "$0")/.." && pwd)
source "$tree/test/lib.sh"
source "$tree/test/chroot.sh"

usage() { echo "usage: bash test/versions.sh 15|17|18" >&2; exit 2; }

# Inside the chroot, as postgres: a throwaway cluster, the pg_regress and pgTAP suites.
run_tests() {
  cd "$tree"
  local status=0
  cluster=$tree/tmp_check
  hangar_cluster_start "$cluster" fsync=off
  trap 'hangar_cluster_stop "$cluster"' EXIT
  hangar_log "PostgreSQL $(psql -X -A -t -c 'SHOW server_version'), SQLite $(sqlite3 --version | cut -d' ' -f1)"
  hangar_log "pg_regress suite (make installcheck)"
  hangar_installcheck "$tree" || status=1
  hangar_log "pgTAP suite (pg_prove)"
  hangar_pgtap_suite "$tree" "$cluster/fixtures" || status=1
  return "$status"
}

# Inside the chroot, as root: build and install, then the tests as postgres.
in_chroot() {
  hangar_build_install "$tree"
  chown -R postgres: "$tree"
  hangar_run_unprivileged "$tree" test/versions.sh --tests "$major"
}

# On exit: stop a cluster the tests left running, unmount in reverse order.
cleanup() {
  local pid=$root$src/tmp_check/data/postmaster.pid
  if [ -f "$pid" ]; then
    chroot "$root" runuser -u postgres -- "/usr/lib/postgresql/$major/bin/pg_ctl" \
      -D "$src/tmp_check/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  hangar_chroot_unmount_all
}

mode=host
case "${1:-}" in
  --in-chroot|--tests) mode=${1#--}; shift ;;
esac
major=${1:-}
release=$(hangar_chroot_release "$major") || usage
case "$mode" in
  tests) run_tests; exit ;;
  in-chroot) in_chroot; exit ;;
esac

[ "$(id -u)" -eq 0 ] || exec sudo HANGAR_CHROOT_CACHE="${HANGAR_CHROOT_CACHE:-}" bash "$0" "$major"
root=$(hangar_chroot_cache)/$release
src=/hangar_fdw
hangar_chroot_lock "$root"
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
hangar_chroot_bootstrap "$root" "$release"
hangar_chroot_mount_all "$root"
# libicu-dev: the server's utils/pg_locale.h includes ICU's headers (pushdown reads collations)
hangar_chroot_install "$root" "postgresql-$major" "postgresql-server-dev-$major" "postgresql-$major-pgtap" \
  libtap-parser-sourcehandler-pgtap-perl libsqlite3-dev libicu-dev sqlite3 g++ make python3

hangar_log "copying the tree into $root$src"
hangar_copy_tree "$tree" "$root$src"

if HANGAR_CHROOT_PG=$major hangar_chroot_run "$root" bash "$src/test/versions.sh" --in-chroot "$major"; then
  hangar_log "PostgreSQL $major: all tests passed"
else
  hangar_log "PostgreSQL $major: some tests FAILED"
  exit 1
fi
