#!/usr/bin/env bash
# Proves hangar_fdw on a PostgreSQL major other than the host's 15: `bash test/versions.sh N`,
# N = 17 (Debian trixie) or 18 (Debian sid). As root (or through sudo): makes a minimal Debian
# chroot with debootstrap from the host's Debian mirror, kept in
# ${HANGAR_CHROOT_CACHE:-/var/cache/hangar-chroots}/<release> and reused when present (delete it
# to start afresh); installs
# PostgreSQL N, its server headers, SQLite, pgTAP and pg_prove there; copies this tree into it,
# builds and installs hangar_fdw, and runs the pg_regress suite (make installcheck) and the pgTAP
# suite (pg_prove) on a throwaway cluster started as the postgres user. Stops the cluster and
# unmounts what it mounted on exit; exits non-zero if any step or test fails.
# The unit tests, fuzzer, write race and Alembic test do not depend on the major: test/run-all.sh
# runs them on the host. The same script runs the inside steps (--in-chroot, then --tests).
set -euo pipefail
tree=$(cd "$(dirname "$0")/.." && pwd)
source "$tree/test/lib.sh"

usage() { echo "usage: bash test/versions.sh 17|18" >&2; exit 2; }

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

# The first Debian archive (not the security one) the host's apt sources name.
debian_mirror() {
  local uri
  uri=$( { grep -hsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
             sed -E 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//; s/[[:space:]].*//'
           grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | sed -E 's/^URIs:[[:space:]]*//' | tr ' ' '\n'
         } | grep -E '/debian/?$' | grep -v security | head -n1)
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# A minimal Debian $release in $root, made when missing. A folder without .hangar-ready is what
# an interrupted run left, and starts over.
bootstrap() {
  [ -f "$root/.hangar-ready" ] && return 0
  if [ -d "$root" ]; then
    grep -qs " $root/" /proc/mounts && { hangar_log "something is mounted under $root"; return 1; }
    hangar_log "removing the unfinished chroot $root"
    rm -rf "$root"
  fi
  command -v debootstrap >/dev/null || HANGAR_PACKAGES="" hangar_require_packages debootstrap
  local mirror
  mirror=$(debian_mirror)
  hangar_log "debootstrap $release from $mirror into $root"
  debootstrap --variant=minbase "$release" "$root" "$mirror" >"$root.log" 2>&1 ||
    { tail -n 30 "$root.log" >&2; return 1; }
  # No service starts inside the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  # The mirror may be a snapshot older than sid's week of validity.
  echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99hangar"
  : >"$root/.hangar-ready"
}

# Installs in the chroot PostgreSQL $major and what the build and the tests need, unless
# .hangar-ready already lists the same packages.
install_packages() {
  # libicu-dev: the server's utils/pg_locale.h includes ICU's headers (pushdown reads collations)
  local packages="postgresql-$major postgresql-server-dev-$major postgresql-$major-pgtap
    libtap-parser-sourcehandler-pgtap-perl libsqlite3-dev libicu-dev sqlite3 g++ make python3"
  packages=$(echo $packages)
  [ "$(cat "$root/.hangar-ready")" = "$packages" ] && return 0
  hangar_log "installing in the chroot: $packages"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  local apt="env DEBIAN_FRONTEND=noninteractive apt-get -y -q --no-install-recommends"
  # postgresql-common first, told not to make a cluster when PostgreSQL installs.
  {
    chroot "$root" $apt update &&
      chroot "$root" $apt install postgresql-common &&
      sed -i -E 's/^#?[[:space:]]*create_main_cluster.*/create_main_cluster = false/' \
        "$root/etc/postgresql-common/createcluster.conf" &&
      chroot "$root" $apt install $packages &&
      chroot "$root" apt-get clean
  } >>"$root.log" 2>&1 || { tail -n 30 "$root.log" >&2; return 1; }
  printf '%s\n' "$packages" >"$root/.hangar-ready"
}

# On exit: stop a cluster the tests left running, unmount in reverse order.
mounted=()
cleanup() {
  local pid=$root$src/tmp_check/data/postmaster.pid i
  if [ -f "$pid" ]; then
    chroot "$root" runuser -u postgres -- "/usr/lib/postgresql/$major/bin/pg_ctl" \
      -D "$src/tmp_check/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
  done
}

mount_in_chroot() {
  mount "$@"
  mounted+=("${*: -1}")
}

mode=host
case "${1:-}" in
  --in-chroot|--tests) mode=${1#--}; shift ;;
esac
major=${1:-}
case "$major" in
  17) release=trixie ;;
  18) release=sid ;;
  *) usage ;;
esac
case "$mode" in
  tests) run_tests; exit ;;
  in-chroot) in_chroot; exit ;;
esac

[ "$(id -u)" -eq 0 ] || exec sudo HANGAR_CHROOT_CACHE="${HANGAR_CHROOT_CACHE:-}" bash "$0" "$major"
root=${HANGAR_CHROOT_CACHE:-/var/cache/hangar-chroots}/$release
src=/hangar_fdw
mkdir -p "$(dirname "$root")"
exec 9>"$root.lock"
flock 9
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
bootstrap
mount_in_chroot -t proc proc "$root/proc"
mount_in_chroot -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
mount_in_chroot -t tmpfs -o mode=1777 shm "$root/dev/shm"
install_packages

hangar_log "copying the tree into $root$src"
rm -rf "${root:?}$src"
mkdir -p "$root$src"
tar -C "$tree" --exclude=.git --exclude='*.o' --exclude='*.so' --exclude='*.d' --exclude='*.bc' \
  --exclude=./tmp_check --exclude=./tmp_quickstart --exclude=./tmp_memcheck --exclude=./results \
  --exclude=./test/unit/core_tests -cf - . | tar -C "$root$src" -xf -

if chroot "$root" env -i HOME=/root LANG=C.UTF-8 PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" \
  PATH="/usr/lib/postgresql/$major/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  bash "$src/test/versions.sh" --in-chroot "$major"; then
  hangar_log "PostgreSQL $major: all tests passed"
else
  hangar_log "PostgreSQL $major: some tests FAILED"
  exit 1
fi
