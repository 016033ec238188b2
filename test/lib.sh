# Shell helpers shared by the quick-start, test and benchmark scripts: installing Debian
# packages, building and installing the extension, choosing a non-root user for PostgreSQL
# (initdb refuses root), and starting/stopping a throwaway cluster in a local folder.
# Sourced, not run.

HANGAR_PACKAGES="build-essential postgresql-15 postgresql-server-dev-15 libsqlite3-dev libicu-dev sqlite3 \
postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl libgtest-dev \
python3-sqlalchemy alembic python3-psycopg2 python3-django python3-hypothesis"

hangar_log() { printf '==> %s\n' "$*" >&2; }

# Runs a command as root: directly when we are root, else through sudo.
hangar_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages named in $HANGAR_PACKAGES plus any given, when missing.
hangar_require_packages() {
  local missing=() pkg
  for pkg in $HANGAR_PACKAGES "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  hangar_log "installing Debian packages: ${missing[*]}"
  hangar_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  hangar_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

hangar_pg_bindir() { pg_config --bindir; }

# Builds the extension in $1 and installs it into the PostgreSQL found by pg_config.
hangar_build_install() {
  local tree=$1
  hangar_log "building hangar_fdw"
  make -C "$tree" -s -j"$(nproc)" >/dev/null
  hangar_log "installing hangar_fdw into $(pg_config --pkglibdir)"
  hangar_as_root make -C "$tree" -s install >/dev/null
}

# Prints a directory holding a copy of tree $1 that user $2 can write, or the tree itself
# when $2 can already write it.
hangar_tree_for_user() {
  local tree=$1 user=$2 copy
  if runuser -u "$user" -- test -w "$tree" -a -x "$tree" 2>/dev/null; then
    printf '%s\n' "$tree"
    return
  fi
  copy=$(mktemp -d /tmp/hangar_fdw.XXXXXX)
  cp -a "$tree/." "$copy/"
  chown -R "$user": "$copy"
  chmod 755 "$copy"
  printf '%s\n' "$copy"
}

# Re-runs script $2 (relative to tree $1) with arguments as a non-root user: as ourselves when
# not root, else as the postgres user in a tree that user can write. A copy made for that user
# is removed afterwards unless HANGAR_KEEP_COPY=1.
hangar_run_unprivileged() {
  local tree=$1 script=$2
  shift 2
  if [ "$(id -u)" -ne 0 ]; then
    bash "$tree/$script" "$@"
    return
  fi
  local user=postgres work status=0
  work=$(hangar_tree_for_user "$tree" "$user")
  [ "$work" != "$tree" ] && hangar_log "running as $user in a copy of the tree: $work"
  runuser -u "$user" -- env PATH="$PATH" HOME=/tmp bash "$work/$script" "$@" || status=$?
  # The copy holds the build and the test cluster (about 1 GB); each run made a new one, so
  # repeated runs filled the disk. What a failure printed is already on the terminal.
  if [ "$work" != "$tree" ] && [ "${HANGAR_KEEP_COPY:-0}" != 1 ]; then
    hangar_log "removing the copy of the tree: $work"
    rm -rf "$work"
  fi
  return "$status"
}

# Finds a TCP port on 127.0.0.1 that nothing listens on.
hangar_free_port() {
  local port
  for port in $(seq 54321 54420); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return
    fi
  done
  return 1
}

# Starts a throwaway cluster in directory $1 (created) and exports PGHOST, PGPORT, PGUSER and
# PGDATA for psql and pg_regress. Extra arguments are postgres -c settings.
hangar_cluster_start() {
  local dir=$1
  shift
  local bindir port opts="" setting try
  bindir=$(hangar_pg_bindir)
  mkdir -p "$dir"
  "$bindir/initdb" -D "$dir/data" -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; return 1; }
  for setting in "$@"; do opts="$opts -c $setting"; done
  # Another test run on the machine may take the free port first: then the next one.
  for try in 1 2 3 4 5; do
    port=$(hangar_free_port)
    : >"$dir/server.log"
    hangar_log "starting a throwaway PostgreSQL cluster in $dir (port $port)"
    "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir $opts" start >/dev/null && break
    if [ "$try" -eq 5 ] || ! grep -q 'could not bind IPv4 address .*Address already in use' "$dir/server.log"; then
      cat "$dir/server.log" >&2
      return 1
    fi
    hangar_log "port $port was taken meanwhile"
    sleep 1
  done
  export PGHOST=$dir PGPORT=$port PGUSER=$(id -un) PGDATA=$dir/data PGDATABASE=postgres
}

hangar_cluster_stop() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] || return 0
  "$(hangar_pg_bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# Runs the pg_regress suite (make installcheck) of tree $1 against the cluster in PGHOST/PGPORT;
# prints regression.diffs when it fails.
hangar_installcheck() {
  local tree=$1
  make -C "$tree" -s installcheck && return 0
  [ -f "$tree/regression.diffs" ] && cat "$tree/regression.diffs"
  return 1
}

# Runs the pgTAP suite of tree $1 (test/pgtap/*.sql, with pg_prove) in a new database
# hangar_tap of the running cluster, on fixtures built into directory $2.
hangar_pgtap_suite() {
  local tree=$1 fixtures=$2
  bash "$tree/test/build-fixtures.sh" "$fixtures"
  createdb hangar_tap
  psql -X -q -d hangar_tap -c "CREATE EXTENSION pgtap; CREATE EXTENSION hangar_fdw;"
  (cd "$tree" && HANGAR_FIXTURES=$fixtures pg_prove -d hangar_tap test/pgtap/*.sql)
}
