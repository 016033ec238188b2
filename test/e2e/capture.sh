#!/usr/bin/env bash
# Change capture with a real app (issue 12): the Hangar Bay SQLAlchemy + Alembic app's SQLite
# file gets hangar_capture_start's log and triggers before hangar_migrate; then the app writes
# through its ORM (capture_writes.py: inserts that read back SQLite's new ids, updates, a
# composite key, deletes with a cascade), and hangar_sync must apply exactly that from the log,
# every table verified, the new rows under the ids the app was given. Then a batch-mode Alembic
# revision (it rebuilds tables) must run with capture on; the next sync refuses the rebuilt
# tables by name, as README says; hangar_capture_start puts the triggers back, and
# hangar_capture_stop leaves nothing in the file.
# Needs a running cluster (PGHOST, PGPORT, PGUSER) and Debian's python3-sqlalchemy, alembic and
# python3-psycopg2; run with bash as a user the server can read and write files of.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hangar_capture.XXXXXX")
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1 PGOPTIONS="-c client_min_messages=warning"
fail() { echo "capture: FAILED: $*" >&2; exit 1; }
q() { psql -X -At -v ON_ERROR_STOP=1 -d hangar_capture -c "$1"; }
db=$work/app.db

"$py" "$here/make_app_db.py" "$db" >/dev/null
chmod 777 "$work" && chmod 666 "$db"
dropdb --if-exists hangar_capture 2>/dev/null; createdb hangar_capture
q "CREATE EXTENSION hangar_fdw" >/dev/null
captured=$(q "SELECT count(*) FROM hangar_capture_start('$db') WHERE detail LIKE 'capturing%'")
[ "$captured" -ge 7 ] || fail "capture started on $captured tables"
bad=$(q "SELECT count(*) FILTER (WHERE rows_copied IS NOT NULL AND verified IS NOT TRUE) FROM hangar_migrate('$db')")
[ "$bad" = 0 ] || fail "$bad tables did not verify after the migration"

ids=$("$py" -W ignore "$here/capture_writes.py" "$db") || fail "the app's ORM writes failed with capture on"
logged=$(sqlite3 "$db" "SELECT count(*) FROM hangar_capture_log")
echo "capture: the app's ORM writes ran with capture on ($logged log entries); new ids $ids"

q "SELECT table_name, rows_inserted, rows_updated, rows_deleted, verified, detail FROM hangar_sync('$db')" >"$work/sync1"
grep -v '|t|' "$work/sync1" && fail "a table did not verify after the sync"
grep -q '^pilots|1|3|0|t|capture: read the 4 logged keys$' "$work/sync1" || { cat "$work/sync1"; fail "pilots: not the app's writes"; }
grep -q '^transactions|1|0|' "$work/sync1" || { cat "$work/sync1"; fail "transactions: not the app's writes"; }
for t in corporations pilots market_orders transactions; do
  want=$("$py" -c "import json,sys; print(json.loads(sys.argv[1])['$t'])" "$ids")
  got=$(q "SELECT max(id) FROM public.$t")
  [ "$want" = "$got" ] || fail "$t: the app's new row has id $want in SQLite, the newest in PostgreSQL is $got"
done
unverified=$(q "SELECT count(*) FROM hangar_verify('$db') WHERE verified IS NOT TRUE")
[ "$unverified" = 0 ] || fail "hangar_verify finds $unverified tables differ after the capture sync"
echo "capture: hangar_sync applied them from the log (every table verified, hangar_verify agrees, ids kept)"
[ "$(q "SELECT count(*) FROM hangar_sync('$db') WHERE rows_inserted + rows_updated + rows_deleted > 0")" = 0 ] ||
  fail "a second sync wrote rows"
[ "$(sqlite3 "$db" "SELECT count(*) FROM hangar_capture_log")" = 0 ] || fail "the applied log entries are still there"

HANGAR_DB_URL="sqlite:///$db" "$py" -m alembic -c "$here/app/alembic.ini" upgrade head 2>/dev/null ||
  fail "the batch-mode Alembic revision fails with capture on"
echo "capture: the app's batch-mode Alembic revision ran on SQLite with capture on"
refused=$(psql -X -q -d hangar_capture -c "SELECT * FROM hangar_sync('$db')" 2>&1 || true)
echo "$refused" | grep -Eq 'SQLite table "(stations|market_orders|watchlist)" changed since it was migrated' ||
  fail "the sync did not refuse the rebuilt table: $refused"
again=$(q "SELECT detail FROM hangar_capture_start('$db') WHERE table_name = 'market_orders'")
[ "$again" = "capturing changes by (id)" ] || fail "hangar_capture_start did not put the triggers back: $again"
q "SELECT count(*) FROM hangar_capture_stop('$db')" >/dev/null
[ "$(sqlite3 "$db" "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'hangar%'")" = 0 ] ||
  fail "hangar_capture_stop left something in the file"
echo "capture: the sync refuses the rebuilt table by name; capture restarts on it and stops leaving nothing"
dropdb hangar_capture
