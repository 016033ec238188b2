#!/usr/bin/env bash
# End-to-end proof with a Django app (test/e2e/django_app: contrib apps plus a shop app with the
# common field types), as a new user would run it: Django builds its SQLite database (manage.py
# migrate, then data through the ORM), hangar_migrate moves it with no options (the framework is
# detected), and against PostgreSQL: migrate --check and makemigrations --check find nothing to
# do, every object reads back equal through the ORM, UUID and JSON lookups work, the admin logs in
# with the old password, new objects get fresh ids, the app's next migration (0002: unique_together
# changed, a db_index and a unique dropped, a max_length grown) applies, and pg_dump equals the
# schema Django's own migrate builds on an empty database but for the two differences README
# explains (column order after Django's SQLite table rebuilds; DecimalField's precision). A copy of
# the file gets change capture before its migration, the app writes through the ORM, and
# hangar_sync applies exactly that, every table verified.
# Needs a running cluster (PGHOST, PGPORT, PGUSER) and Debian's python3-django and psycopg2.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hangar_django.XXXXXX")
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
fail() { echo "django: FAILED: $*" >&2; exit 1; }
app="$work/app"
cp -r "$here/django_app" "$app"
manage() { (cd "$app" && "$py" manage.py "$@"); }
# pg_dump of a schema, each table's columns sorted (column order is one of the explained
# differences) and a DecimalField's numeric(p,s) spelled numeric (the other)
dump() {
  pg_dump -s -n public --no-owner --no-privileges "$1" | grep -v '^\\\(un\)\?restrict' |
    sed -E 's/ numeric\([0-9]+,[0-9]+\)/ numeric/; s/,$//' |
    "$py" -c '
import sys
out, columns = [], None
for line in sys.stdin:
    if columns is not None and line.startswith(");"):
        out += sorted(columns) + [line]
        columns = None
    elif columns is not None:
        columns.append(line)
    else:
        out.append(line)
        if line.startswith("CREATE TABLE"):
            columns = []
sys.stdout.write("".join(out))'
}

export HANGAR_DJANGO_SQLITE="$work/app.db"
manage migrate -v0 || fail "Django cannot build its SQLite database"
(cd "$app" && "$py" data.py fill "$work/objects.json") || fail "the ORM cannot fill the SQLite database"
chmod -R a+rX "$work"

for db in hangar_django hangar_django_golden; do dropdb --if-exists "$db" 2>/dev/null; createdb "$db"; done
psql -X -q -v ON_ERROR_STOP=1 -d hangar_django -c "CREATE EXTENSION hangar_fdw"
report=$(PGOPTIONS="-c client_min_messages=warning" psql -X -At -v ON_ERROR_STOP=1 -d hangar_django \
  -c "SELECT count(*) FILTER (WHERE rows_copied IS NOT NULL AND (verified IS NOT TRUE OR rows_rejected > 0)) || ' '
             || count(*) FILTER (WHERE detail = 'framework: django (the file has table django_migrations)')
      FROM hangar_migrate('$work/app.db')")
[ "$report" = "0 1" ] || fail "not every table was copied and verified, or the framework was not detected ($report)"
echo "django: hangar_migrate detected Django, copied and verified every table"
psql -X -q -d hangar_django -c "DROP EXTENSION hangar_fdw CASCADE"

# Change capture on a copy (the JSONField's JSON_VALID CHECK once kept it from being written):
# started before the migration, the app's ORM writes with it on, then hangar_sync applies them
cp "$work/app.db" "$work/capture.db" && chmod 666 "$work/capture.db" && chmod 777 "$work"
createdb hangar_django_capture
qc() { PGOPTIONS="-c client_min_messages=warning" psql -X -At -v ON_ERROR_STOP=1 -d hangar_django_capture -c "$1"; }
qc "CREATE EXTENSION hangar_fdw" >/dev/null
[ "$(qc "SELECT count(*) FROM hangar_capture_start('$work/capture.db') WHERE detail LIKE 'capturing%'")" -ge 5 ] ||
  fail "change capture did not start on the Django file"
[ "$(qc "SELECT count(*) FROM hangar_migrate('$work/capture.db') WHERE rows_copied IS NOT NULL AND verified IS NOT TRUE")" = 0 ] ||
  fail "the captured file did not migrate"
(cd "$app" && HANGAR_DJANGO_SQLITE="$work/capture.db" "$py" data.py change -) || fail "the ORM's writes failed with capture on"
synced=$(qc "SELECT count(*) FILTER (WHERE verified IS NOT TRUE) || ' ' || sum(rows_inserted + rows_updated + rows_deleted)
             FROM hangar_sync('$work/capture.db') WHERE rows_inserted IS NOT NULL")
[ "$synced" = "0 5" ] || fail "the sync did not apply the app's 5 row changes, every table verified ($synced)"
[ "$(qc "SELECT count(*) FROM hangar_verify('$work/capture.db') WHERE verified IS NOT TRUE")" = 0 ] ||
  fail "hangar_verify finds a difference after the sync"
[ "$(qc "SELECT attributes->>'color' FROM public.shop_product WHERE attributes ? 'nested' ORDER BY id LIMIT 1")" = violet ] ||
  fail "the changed JSONField did not arrive"
qc "SELECT count(*) FROM hangar_capture_stop('$work/capture.db')" >/dev/null
dropdb hangar_django_capture
echo "django: change capture on the app's file: its ORM writes synced from the log, every table verified"

export HANGAR_DJANGO_PG=hangar_django
manage migrate --check >/dev/null || fail "Django finds unapplied migrations"
manage makemigrations --check --dry-run >/dev/null || fail "makemigrations finds changes"
echo "django: migrate --check and makemigrations --check find nothing to do"
(cd "$app" && "$py" data.py check "$work/objects.json") || fail "the ORM does not read the objects back"

HANGAR_DJANGO_PG=hangar_django_golden manage migrate -v0
dump hangar_django_golden >"$work/golden.sql"
dump hangar_django >"$work/migrated.sql"
diff -u "$work/golden.sql" "$work/migrated.sql" || fail "pg_dump differs from the schema Django creates"
echo "django: pg_dump equals the schema Django's migrate creates, but for column order and numeric precision"

cp "$app/next_migrations/0002_next.py" "$app/shop/migrations/"
export HANGAR_DJANGO_STAGE=2
manage migrate -v0 || fail "the app's next migration does not apply to the migrated schema"
manage makemigrations --check --dry-run >/dev/null || fail "makemigrations finds changes after 0002"
echo "django: the app's next migration (unique_together, db_index, unique, max_length) applies"
for db in hangar_django hangar_django_golden; do dropdb "$db"; done
