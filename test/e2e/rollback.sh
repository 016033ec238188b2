#!/usr/bin/env bash
# End-to-end proof of the rollback path (hangar_export) with the Hangar Bay app, a round trip:
#   SQLite app file (revision 4) -> hangar_migrate -> the app's next Alembic revision on PostgreSQL
#   -> changes through SQLAlchemy ORM sessions (inserts with ids from the sequences; updates of
#   text, JSON, Decimal, enum, boolean, date/time columns and of a primary key; deletes with
#   cascades) -> hangar_export into a new SQLite file, every table verified. On that file:
#   PRAGMA integrity_check and foreign_key_check are clean, `alembic current` is PostgreSQL's
#   head, Alembic's autogenerate finds what it finds on a file the app built itself (nothing),
#   every row read through the ORM equals PostgreSQL's, ORM inserts get ids above every id
#   PostgreSQL handed out, and `alembic downgrade -1` then `upgrade head` (batch mode) work and
#   keep all of that true. Finally the exported file, migrated again into a second database, gives
#   the same content, table by table, as the first one (PostgreSQL -> export -> migrate).
# Checks after the export all run; each failure prints "e2e rollback: FAILED: ..." and the script
# exits 1 at the end (the work folder and databases hangar_rb, hangar_rb2 are kept to inspect).
# Needs what run.sh needs, and pg_write_server_files (a superuser): the server process writes the
# exported file into the work folder, so run this as the server's OS user, e.g.
#   runuser -u postgres -- env PGHOST=... PGPORT=... PGUSER=postgres bash test/e2e/rollback.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hangar_rollback.XXXXXX")
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
url() { echo "postgresql+psycopg2://$PGUSER@/$1?host=$PGHOST&port=$PGPORT"; }
sql() { local db=$1; shift; PGOPTIONS="-c client_min_messages=warning" psql -X -At -v ON_ERROR_STOP=1 -d "$db" "$@"; }
alembic() { HANGAR_DB_URL=$1 "$py" -m alembic -c "$here/app/alembic.ini" "${@:2}"; }
fail() { echo "e2e rollback: FAILED: $*" >&2; echo "e2e rollback: kept $work" >&2; exit 1; }
failures=()
failed() { echo "e2e rollback: FAILED: $*" >&2; failures+=("$*"); }
check() { local what=$1; shift; "$@" || failed "$what"; }  # runs a check, records its failure
pg=$(url hangar_rb)

# 1. The app's SQLite file at revision 4, migrated, then the app's next revision on PostgreSQL.
"$py" "$here/make_app_db.py" "$work/app.db" >/dev/null
"$py" "$here/make_app_db.py" "$work/native.db" head >/dev/null  # the file the app builds itself at head
for db in hangar_rb hangar_rb2; do dropdb --if-exists "$db" 2>/dev/null; createdb "$db"; done
for db in hangar_rb hangar_rb2; do sql "$db" -q -c "CREATE EXTENSION hangar_fdw"; done
unverified=$(sql hangar_rb -c "SELECT count(*) FILTER (WHERE rows_copied IS NOT NULL AND
  (verified IS NOT TRUE OR rows_rejected > 0)) FROM hangar_migrate('$work/app.db', 'public')")
[ "$unverified" = 0 ] || fail "hangar_migrate: $unverified tables were not copied and verified"
alembic "$pg" upgrade head 2>/dev/null || fail "Alembic upgrade head on the migrated database"
head=$(sql hangar_rb -c "SELECT version_num FROM alembic_version")
echo "e2e rollback: migrated into hangar_rb and upgraded it to head $head"

# 2. The app works on PostgreSQL for a while.
"$py" "$here/rollback_check.py" mutate "$pg" || fail "the ORM changes on PostgreSQL"

# 3. Back to SQLite.
export_report=$(sql hangar_rb -F ' | ' -c "SELECT table_name, rows_copied, verified, detail
  FROM hangar_export('public', '$work/rollback.db')") || fail "hangar_export"
tables=$(sql hangar_rb -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
verified=$(grep -c ' | t | ' <<<"$export_report" || true)
if [ "$verified" != "$tables" ]; then
  printf '%s\n' "$export_report"
  fail "hangar_export verified $verified of the $tables tables"
fi
echo "e2e rollback: hangar_export wrote and verified all $tables tables into rollback.db"
cp "$work/rollback.db" "$work/exported.db"  # kept as exported: the checks below write to rollback.db

# 4. The file: integrity, foreign keys, Alembic's revision and its autogenerate comparison.
revision() { alembic "sqlite:///$1" current 2>/dev/null | awk '{print $1}' || echo "(alembic current failed)"; }
current=$(revision "$work/rollback.db")
if [ "$current" = "$head" ]; then
  echo "e2e rollback: alembic current on rollback.db is $current, PostgreSQL's head"
else
  failed "alembic current on rollback.db is '$current', PostgreSQL had $head"
fi
check "rollback.db is not clean, or Alembic finds differences the app's own file does not have" \
  "$py" "$here/rollback_check.py" file "$work/rollback.db" "$work/native.db"

# 5. Every row, through the ORM, on both sides.
check "rows of rollback.db differ from PostgreSQL's" "$py" "$here/rollback_check.py" rows "$pg" "$work/rollback.db"

# 6. Fresh ids for new rows (inserted and rolled back).
check "ORM inserts on rollback.db reuse ids PostgreSQL handed out" \
  "$py" "$here/rollback_check.py" ids "$pg" "$work/rollback.db"

# 7. Alembic downgrade -1, upgrade head on the file (env.py renders batch mode on SQLite). The
# batch rebuild of market_orders sets its sqlite_sequence to max(id), on a file the app built
# itself too, so fresh ids are not checked again after it.
down=$(alembic "sqlite:///$work/rollback.db" show "$head" 2>/dev/null | awk '$1 == "Parent:" {print $2}') || true
[ -n "$down" ] || fail "alembic show $head names no parent revision"
if ! alembic "sqlite:///$work/rollback.db" downgrade -1 >"$work/downgrade.log" 2>&1; then
  sed 's/^/  /' "$work/downgrade.log" | tail -5
  failed "alembic downgrade -1 on rollback.db"
elif [ "$(revision "$work/rollback.db")" != "$down" ]; then
  failed "alembic downgrade -1 on rollback.db did not reach $down"
elif ! alembic "sqlite:///$work/rollback.db" upgrade head >"$work/upgrade.log" 2>&1; then
  sed 's/^/  /' "$work/upgrade.log" | tail -5
  failed "alembic upgrade head on rollback.db after the downgrade"
elif [ "$(revision "$work/rollback.db")" != "$head" ]; then
  failed "alembic upgrade head on rollback.db did not reach $head"
else
  echo "e2e rollback: alembic downgrade -1 ($head -> $down) then upgrade head work on rollback.db"
  check "rollback.db after downgrade and upgrade is not clean or differs from the models" \
    "$py" "$here/rollback_check.py" file "$work/rollback.db" "$work/native.db"
  check "rows of rollback.db after downgrade and upgrade differ from PostgreSQL's" \
    "$py" "$here/rollback_check.py" rows "$pg" "$work/rollback.db"
fi

# 8. PostgreSQL -> export -> migrate: the same rows in every table, and no sequence behind the
# first database's (an id handed out there never comes back; a sequence may be ahead, e.g.
# item_types', where the app gives ids explicitly and hangar_migrate moves it past max(id)).
unverified=$(sql hangar_rb2 -c "SELECT count(*) FILTER (WHERE rows_copied IS NOT NULL AND
  (verified IS NOT TRUE OR rows_rejected > 0)) FROM hangar_migrate('$work/exported.db', 'public')") ||
  unverified="an error"
content() {  # one line per table: name, row count, md5 of its rows as text in order
  local t tables
  tables=$(sql "$1" -c "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1") || return
  for t in $tables; do
    sql "$1" -c "SELECT '$t', count(*), md5(coalesce(string_agg(x::text, E'\n' ORDER BY x::text), ''))
                 FROM public.$t x" || return
  done
}
sequences() { sql "$1" -c "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"; }
if [ "$unverified" != 0 ]; then
  failed "hangar_migrate of the exported file into hangar_rb2: $unverified"
elif ! content hangar_rb >"$work/content_rb.txt" || ! content hangar_rb2 >"$work/content_rb2.txt" ||
     ! sequences hangar_rb >"$work/sequences_rb.txt" || ! sequences hangar_rb2 >"$work/sequences_rb2.txt"; then
  failed "reading the content of hangar_rb and hangar_rb2"
elif ! diff -u "$work/content_rb.txt" "$work/content_rb2.txt"; then
  failed "hangar_rb2 (the exported file migrated again) has other rows than hangar_rb"
elif behind=$(awk -F '|' 'NR == FNR {rb2[$1] = $2; next}
                         !($1 in rb2) || rb2[$1] + 0 < $2 + 0 {print $1 "|" $2 "|" ($1 in rb2 ? rb2[$1] : "missing")}' \
                "$work/sequences_rb2.txt" "$work/sequences_rb.txt"); [ -n "$behind" ]; then
  failed "sequences of hangar_rb2 behind hangar_rb's (name|hangar_rb|hangar_rb2): $behind"
else
  echo "e2e rollback: exported then migrated again, hangar_rb2 has the same rows as hangar_rb in all" \
    "$(wc -l <"$work/content_rb.txt") tables, and no sequence behind"
fi

if [ ${#failures[@]} -gt 0 ]; then
  echo "e2e rollback: FAILED ${#failures[@]} check(s); kept $work and databases hangar_rb, hangar_rb2" >&2
  exit 1
fi
for db in hangar_rb hangar_rb2; do dropdb "$db"; done
rm -rf "$work"
echo "e2e rollback: the round trip SQLite -> PostgreSQL -> SQLite (-> PostgreSQL) holds"
