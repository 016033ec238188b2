# Shell helpers for the scripts that test inside Debian chroots (test/versions.sh, test/deb.sh):
# a minimal Debian release made with debootstrap from the host's Debian mirror and cached under
# ${HANGAR_CHROOT_CACHE:-/var/cache/hangar-chroots}/<name>, packages installed in it once, the
# mounts a PostgreSQL cluster needs (unmounted by hangar_chroot_unmount_all, which the callers
# run from their EXIT trap), a copy of the tree, and commands run inside with a clean
# environment. Run as root. Sourced after test/lib.sh, not run.

hangar_chroot_cache() { printf '%s\n' "${HANGAR_CHROOT_CACHE:-/var/cache/hangar-chroots}"; }

# The Debian release that ships PostgreSQL major $1 as its default.
hangar_chroot_release() {
  case "$1" in
    15) echo bookworm ;;
    17) echo trixie ;;
    18) echo sid ;;
    *) return 1 ;;
  esac
}

# Takes the lock of chroot $1 on file descriptor 9 for the rest of the script, so that two
# runs never share one chroot at once.
hangar_chroot_lock() {
  local root=$1
  mkdir -p "$(dirname "$root")"
  exec 9>"$root.lock"
  flock 9
}

# The first Debian archive (not the security one) the host's apt sources name.
hangar_debian_mirror() {
  local uri
  uri=$( { grep -hsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
             sed -E 's/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//; s/[[:space:]].*//'
           grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | sed -E 's/^URIs:[[:space:]]*//' | tr ' ' '\n'
         } | grep -E '/debian/?$' | grep -v security | head -n1)
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# A minimal Debian release $2 in directory $1, made when missing. A folder without
# .hangar-ready is what an interrupted run left, and starts over. Nothing starts services in
# it, apt accepts a mirror snapshot older than sid's week of validity, and postgresql-common
# (installed first) makes no cluster when a PostgreSQL server package installs.
hangar_chroot_bootstrap() {
  local root=$1 release=$2 mirror
  [ -f "$root/.hangar-ready" ] && return 0
  if [ -d "$root" ]; then
    grep -qs " $root/" /proc/mounts && { hangar_log "something is mounted under $root"; return 1; }
    hangar_log "removing the unfinished chroot $root"
    rm -rf "$root"
  fi
  command -v debootstrap >/dev/null || HANGAR_PACKAGES="" hangar_require_packages debootstrap
  mirror=$(hangar_debian_mirror)
  hangar_log "debootstrap $release from $mirror into $root"
  debootstrap --variant=minbase "$release" "$root" "$mirror" >"$root.log" 2>&1 ||
    { tail -n 30 "$root.log" >&2; return 1; }
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99hangar"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  # postgresql-common's postinst needs /proc (systemd-tmpfiles, in sid): mounted for it alone.
  hangar_chroot_mount -t proc proc "$root/proc"
  local status=0
  {
    hangar_chroot_apt "$root" update &&
      hangar_chroot_apt "$root" install postgresql-common &&
      sed -i -E 's/^#?[[:space:]]*create_main_cluster.*/create_main_cluster = false/' \
        "$root/etc/postgresql-common/createcluster.conf" &&
      chroot "$root" apt-get clean
  } >>"$root.log" 2>&1 || status=$?
  umount "$root/proc" && unset 'hangar_chroot_mounts[${#hangar_chroot_mounts[@]}-1]'
  [ "$status" -eq 0 ] || { tail -n 30 "$root.log" >&2; return 1; }
  : >"$root/.hangar-ready"
}

hangar_chroot_apt() {
  local root=$1
  shift
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -y -q --no-install-recommends "$@"
}

# Installs packages $2... in chroot $1 unless .hangar-ready lists each already (it holds the
# names installed so far, so scripts that need different packages share one chroot).
hangar_chroot_install() {
  local root=$1 pkg missing=()
  shift
  for pkg in "$@"; do
    tr -s ' ' '\n' <"$root/.hangar-ready" | grep -qxF -- "$pkg" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  hangar_log "installing in $root: ${missing[*]}"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  {
    hangar_chroot_apt "$root" update &&
      hangar_chroot_apt "$root" install "${missing[@]}" &&
      chroot "$root" apt-get clean
  } >>"$root.log" 2>&1 || { tail -n 30 "$root.log" >&2; return 1; }
  printf '%s\n' $(cat "$root/.hangar-ready") "${missing[@]}" | sort -u | tr '\n' ' ' >"$root/.hangar-ready.new"
  mv "$root/.hangar-ready.new" "$root/.hangar-ready"
}

# Mounts what PostgreSQL needs in chroot $1: proc, a private devpts and a tmpfs /dev/shm.
hangar_chroot_mounts=()
hangar_chroot_mount_all() {
  local root=$1
  hangar_chroot_mount -t proc proc "$root/proc"
  hangar_chroot_mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
  hangar_chroot_mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
}

# mount with the given arguments, remembered for hangar_chroot_unmount_all.
hangar_chroot_mount() {
  mount "$@"
  hangar_chroot_mounts+=("${*: -1}")
}

# Unmounts, in reverse order, what hangar_chroot_mount mounted.
hangar_chroot_unmount_all() {
  local i
  for ((i = ${#hangar_chroot_mounts[@]} - 1; i >= 0; i--)); do
    umount "${hangar_chroot_mounts[i]}" 2>/dev/null || umount -l "${hangar_chroot_mounts[i]}" || true
  done
  hangar_chroot_mounts=()
}

# Copies the working tree $1 (without build products, test output or .git) into $2, emptied
# first.
hangar_copy_tree() {
  local tree=$1 dest=$2
  rm -rf "${dest:?}"
  mkdir -p "$dest"
  tar -C "$tree" --exclude=.git --exclude='*.o' --exclude='*.so' --exclude='*.d' --exclude='*.bc' \
    --exclude=./tmp_check --exclude=./tmp_quickstart --exclude=./tmp_memcheck --exclude=./results \
    --exclude=./test/unit/core_tests --exclude=./tmp_dist --exclude='./hangar_fdw-*.zip' \
    -cf - . | tar -C "$dest" -xf -
}

# Runs command $2... in chroot $1 as root with a clean environment; PATH starts with the bin
# directory of PostgreSQL $HANGAR_CHROOT_PG when that is set.
hangar_chroot_run() {
  local root=$1 path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  shift
  [ -n "${HANGAR_CHROOT_PG:-}" ] && path=/usr/lib/postgresql/$HANGAR_CHROOT_PG/bin:$path
  chroot "$root" env -i HOME=/root LANG=C.UTF-8 PATH="$path" \
    ${HANGAR_CHROOT_PG:+PG_CONFIG=/usr/lib/postgresql/$HANGAR_CHROOT_PG/bin/pg_config} "$@"
}
