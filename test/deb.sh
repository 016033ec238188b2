#!/usr/bin/env bash
# Builds the Debian package the way Debian builds PostgreSQL extensions and proves it installs
# and works: `bash test/deb.sh [15|17|18]` (15, Debian bookworm, by default). As root (or
# through sudo), with chroots cached under ${HANGAR_CHROOT_CACHE:-/var/cache/hangar-chroots}
# (test/chroot.sh):
#   <release>-clean  a minimal Debian made with debootstrap, never changed once made;
#   <release>-deb    a copy of it with build-essential, lintian and the source's Build-Depends
#                    (apt-get build-dep), where dpkg-buildpackage builds the source and binary
#                    packages as an unprivileged user; the build runs the pg_regress suite on the
#                    installed files (dh_pgxs_test), and lintian checks the result;
#   a throwaway copy of <release>-clean where apt installs the built .deb with what it depends
#   on; there, as postgres, a throwaway cluster: CREATE EXTENSION (the default version, and 0.1
#   updated to it), a SQLite file made with the sqlite3 CLI migrated by hangar_migrate and its row
#   counts checked against SQLite's, and hangar_checksum_query's query compared between the
#   migrated schema and its pg_dump | pg_restore copy in a database without the extension.
# Unmounts what it mounted and removes the throwaway chroot on exit; exits non-zero if a step
# fails or lintian reports an error. The packages are left in <release>-deb/build.
set -euo pipefail
tree=$(cd "$(dirname "$0")/.." && pwd)
source "$tree/test/lib.sh"
source "$tree/test/chroot.sh"

usage() { echo "usage: bash test/deb.sh [15|17|18]" >&2; exit 2; }

# In the throwaway chroot, as postgres: the installed package at work.
smoke_dir=/tmp/hangar_smoke
smoke() {
  local dir=$smoke_dir status=0
  cd /tmp
  rm -rf "$dir"
  hangar_cluster_start "$dir" fsync=off
  trap 'hangar_cluster_stop "$smoke_dir"' EXIT
  local psql="psql -X -v ON_ERROR_STOP=1 -q -A -t"
  hangar_log "PostgreSQL $($psql -c 'SHOW server_version')"

  hangar_log "CREATE EXTENSION hangar_fdw"
  local version expected
  expected=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "/usr/share/postgresql/$major/extension/hangar_fdw.control")
  version=$($psql -c "CREATE EXTENSION hangar_fdw; SELECT extversion FROM pg_extension WHERE extname = 'hangar_fdw'")
  echo "installed version $version (control file: $expected)"
  [ -n "$version" ] && [ "$version" = "$expected" ] || { echo "FAILED: version" >&2; status=1; }

  hangar_log "CREATE EXTENSION hangar_fdw VERSION '0.1', then ALTER EXTENSION hangar_fdw UPDATE"
  createdb regress_hangar_update
  version=$($psql -d regress_hangar_update -c "CREATE EXTENSION hangar_fdw VERSION '0.1'; ALTER EXTENSION hangar_fdw UPDATE;
    SELECT extversion FROM pg_extension WHERE extname = 'hangar_fdw'")
  echo "updated to $version"
  [ "$version" = "$expected" ] || { echo "FAILED: update" >&2; status=1; }

  hangar_log "a SQLite file made with the sqlite3 CLI, migrated with hangar_migrate"
  sqlite3 "$dir/app.db" <<'SQL'
PRAGMA foreign_keys = ON;
CREATE TABLE owners (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, joined DATETIME);
CREATE TABLE pets (id INTEGER PRIMARY KEY AUTOINCREMENT, owner_id INTEGER NOT NULL REFERENCES owners (id),
                   name TEXT, weight NUMERIC(6, 2), vaccinated BOOLEAN DEFAULT 0);
CREATE TABLE visits (pet_id INTEGER REFERENCES pets (id), seen_on DATE, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120)
INSERT INTO owners SELECT i, 'owner ' || i, datetime('2024-01-01 08:30:00', '+' || i || ' days') FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 345)
INSERT INTO pets (owner_id, name, weight, vaccinated) SELECT i % 120 + 1, 'pet ' || i, round(i * 0.37, 2), i % 2 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO visits SELECT i % 345 + 1, date('2025-01-01', '+' || (i % 300) || ' days'), NULL FROM n;
SQL
  $psql -c "SELECT table_name, rows_copied, verified FROM hangar_migrate('$dir/app.db') ORDER BY 1" >"$dir/migrate.txt" ||
    { cat "$dir/migrate.txt"; echo "FAILED: hangar_migrate" >&2; return 1; }
  cat "$dir/migrate.txt"
  local table sqlite_rows copied verified pg_rows
  for table in owners pets visits; do
    sqlite_rows=$(sqlite3 "$dir/app.db" "SELECT count(*) FROM $table")
    copied=$(awk -F'|' -v t="$table" '$1 == t { print $2 }' "$dir/migrate.txt")
    verified=$(awk -F'|' -v t="$table" '$1 == t { print $3 }' "$dir/migrate.txt")
    pg_rows=$($psql -c "SELECT count(*) FROM public.$table")
    echo "$table: SQLite $sqlite_rows rows, copied $copied, PostgreSQL $pg_rows, verified $verified"
    [ "$sqlite_rows" -gt 0 ] && [ "$copied" = "$sqlite_rows" ] && [ "$pg_rows" = "$sqlite_rows" ] &&
      [ "$verified" = t ] || { echo "FAILED: $table" >&2; status=1; }
  done

  hangar_log "pg_dump | pg_restore into a database without hangar_fdw; hangar_checksum_query's query on both"
  $psql -c "SELECT hangar_checksum_query('public')" >"$dir/check.sql"
  createdb restored
  # The dump of schema public holds CREATE SCHEMA public, which every database already has (so
  # does a managed one): its entry is left out of the restore.
  pg_dump -Fc -n public -d postgres -f "$dir/app.dump"
  pg_restore -l "$dir/app.dump" | grep -v ' SCHEMA - public ' >"$dir/app.list"
  pg_restore --exit-on-error --no-owner -L "$dir/app.list" -d restored "$dir/app.dump"
  psql -X -v ON_ERROR_STOP=1 -A -d postgres -f "$dir/check.sql" >"$dir/source.txt"
  psql -X -v ON_ERROR_STOP=1 -A -d restored -f "$dir/check.sql" >"$dir/restored.txt"
  cat "$dir/restored.txt"
  [ -z "$($psql -d restored -c "SELECT extname FROM pg_extension WHERE extname = 'hangar_fdw'")" ] ||
    { echo "FAILED: the restored database has hangar_fdw" >&2; status=1; }
  grep -q '^pets|345|' "$dir/restored.txt" && cmp "$dir/source.txt" "$dir/restored.txt" ||
    { echo "FAILED: the checksums differ" >&2; status=1; }
  $psql -d restored -c "UPDATE public.visits SET note = 'x' WHERE ctid = (SELECT min(ctid) FROM public.visits)"
  psql -X -v ON_ERROR_STOP=1 -A -d restored -f "$dir/check.sql" >"$dir/changed.txt"
  [ "$(diff "$dir/source.txt" "$dir/changed.txt" | grep -c '^>')" = 1 ] && grep -q '^>[[:space:]]*visits|' <(diff "$dir/source.txt" "$dir/changed.txt") ||
    { echo "FAILED: a changed value in visits did not show" >&2; status=1; }
  return "$status"
}

# On exit: stop the smoke test's cluster, unmount, remove the throwaway chroot.
cleanup() {
  if [ -n "${inst:-}" ] && [ -f "$inst/tmp/hangar_smoke/data/postmaster.pid" ]; then
    chroot "$inst" runuser -u postgres -- "/usr/lib/postgresql/$major/bin/pg_ctl" \
      -D /tmp/hangar_smoke/data -m immediate -w stop >/dev/null 2>&1 || true
  fi
  hangar_chroot_unmount_all
  if [ -n "${inst:-}" ] && [ -d "$inst" ] && ! grep -qs " $inst/" /proc/mounts; then
    rm -rf --one-file-system "$inst"
  fi
}

mode=host
case "${1:-}" in
  --smoke) mode=smoke; shift ;;
esac
major=${1:-15}
release=$(hangar_chroot_release "$major") || usage
[ "$mode" = smoke ] && { smoke; exit; }

[ "$(id -u)" -eq 0 ] || exec sudo HANGAR_CHROOT_CACHE="${HANGAR_CHROOT_CACHE:-}" bash "$0" "$major"
cache=$(hangar_chroot_cache)
clean=$cache/$release-clean
build=$cache/$release-deb
inst=
hangar_chroot_lock "$clean"
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

hangar_chroot_bootstrap "$clean" "$release"
if [ ! -f "$build/.hangar-ready" ]; then
  grep -qs " $build/" /proc/mounts && { hangar_log "something is mounted under $build"; exit 1; }
  rm -rf "$build"
  hangar_log "making the build chroot $build from $clean"
  cp -a "$clean" "$build"
fi
hangar_chroot_mount_all "$build"
hangar_chroot_install "$build" build-essential lintian
chroot "$build" id builder >/dev/null 2>&1 || chroot "$build" useradd --create-home builder

# The source: this tree without build products, as <source>-<upstream version>, with the orig
# tarball dpkg-source wants for format 3.0 (quilt) made from the same files less debian/.
source_name=$(sed -n 's/^Source: //p' "$tree/debian/control")
deb_version=$(sed -n '1s/.*(\(.*\)).*/\1/p' "$tree/debian/changelog")
upstream=${deb_version%-*}
srcdir=/build/$source_name-$upstream
rm -rf "$build/build"
hangar_copy_tree "$tree" "$build$srcdir"
tar -C "$build/build" --exclude="$source_name-$upstream/debian" -cJf "$build/build/${source_name}_$upstream.orig.tar.xz" \
  "$source_name-$upstream"
chroot "$build" chown -R builder: /build

# Build-Depends from debian/control, installed again only when it changes.
deps_stamp=$(md5sum <"$tree/debian/control" | cut -d' ' -f1)
if [ "$(cat "$build/.hangar-build-deps" 2>/dev/null)" != "$deps_stamp" ]; then
  hangar_log "installing the Build-Depends of debian/control"
  { hangar_chroot_apt "$build" update && hangar_chroot_run "$build" sh -c \
      "cd $srcdir && DEBIAN_FRONTEND=noninteractive apt-get -y -q --no-install-recommends build-dep ./" &&
      chroot "$build" apt-get clean; } >>"$build.log" 2>&1 || { tail -n 30 "$build.log" >&2; exit 1; }
  echo "$deps_stamp" >"$build/.hangar-build-deps"
fi

hangar_log "dpkg-buildpackage -us -uc in $build$srcdir (as builder; the build log is $build/build/build.log)"
# debian/control is made for the newest major bookworm has; another release's majors rewrite it.
update_control=
[ "$major" = 15 ] || update_control=PG_UPDATECONTROL=yes
if ! hangar_chroot_run "$build" runuser -u builder -- env HOME=/home/builder $update_control sh -c \
    "cd $srcdir && dpkg-buildpackage -us -uc -j2" >"$build/build/build.log" 2>&1; then
  tail -n 60 "$build/build/build.log" >&2
  hangar_log "dpkg-buildpackage FAILED"
  exit 1
fi
hangar_log "the pg_regress suite during the build (dh_pgxs_test):"
grep -E '^### |tests passed|tests? failed|FAILED' "$build/build/build.log" || true
changes=$(ls "$build/build/"*.changes)
deb=$(ls "$build/build/postgresql-$major-hangar-fdw_"*.deb)
hangar_log "built: $(cd "$build/build" && ls *.deb *.dsc *.changes | tr '\n' ' ')"
dpkg-deb -I "$deb" | sed -n '/Package:/,$p'
dpkg-deb -c "$deb" | awk '{ print $6 }'

hangar_log "lintian"
lintian_status=0
hangar_chroot_run "$build" runuser -u builder -- env HOME=/home/builder lintian --fail-on error --info --display-level '>=pedantic' \
  "/build/$(basename "$changes")" || lintian_status=$?
[ "$lintian_status" -eq 0 ] || hangar_log "lintian reported errors (exit $lintian_status)"

hangar_log "the package's Depends"
depends=$(dpkg-deb -f "$deb" Depends)
echo "$depends"
for need in "postgresql-$major" libsqlite3-0; do
  echo "$depends" | grep -q "\b$need\b" || { hangar_log "FAILED: Depends lacks $need"; exit 1; }
done

# A throwaway copy of the clean chroot: apt installs the .deb and what it depends on (downloads
# are kept in <release>-apt-archives between runs), then sqlite3 for the test file.
inst=$cache/$release-deb-install
grep -qs " $inst/" /proc/mounts && { hangar_log "something is mounted under $inst"; exit 1; }
rm -rf --one-file-system "$inst"
cp -a "$clean" "$inst"
mkdir -p "$cache/$release-apt-archives/partial"
hangar_chroot_mount --bind "$cache/$release-apt-archives" "$inst/var/cache/apt/archives"
hangar_chroot_mount_all "$inst"
cp "$deb" "$inst/tmp/"
hangar_log "apt-get install ./$(basename "$deb") in a clean $release"
{ hangar_chroot_apt "$inst" update &&
    hangar_chroot_run "$inst" sh -c "cd /tmp && DEBIAN_FRONTEND=noninteractive apt-get -y -q --no-install-recommends install ./$(basename "$deb")"; } \
  >"$inst.log" 2>&1 || { tail -n 30 "$inst.log" >&2; exit 1; }
hangar_chroot_run "$inst" dpkg -s "postgresql-$major-hangar-fdw" | grep -E '^(Package|Status|Version):'
hangar_chroot_apt "$inst" install sqlite3 >>"$inst.log" 2>&1 || { tail -n 30 "$inst.log" >&2; exit 1; }
mkdir -p "$inst/tmp/hangar/test"
cp "$tree/test/lib.sh" "$tree/test/chroot.sh" "$tree/test/deb.sh" "$inst/tmp/hangar/test/"
chmod -R a+rX "$inst/tmp/hangar"
if HANGAR_CHROOT_PG=$major hangar_chroot_run "$inst" runuser -u postgres -- env HOME=/tmp bash /tmp/hangar/test/deb.sh --smoke "$major"; then
  hangar_log "postgresql-$major-hangar-fdw: built, installed and working"
else
  hangar_log "postgresql-$major-hangar-fdw: the installed package FAILED"
  exit 1
fi
exit "$lintian_status"
