#!/usr/bin/env bash
# End-to-end proof with a real app (DESIGN.md principle 4): builds the Hangar Bay SQLAlchemy +
# Alembic app's SQLite database at revision 4, migrates it with hangar_migrate (every table must
# verify), applies the app's next Alembic revision on PostgreSQL (it drops and recreates an
# index and constraints by name), runs Alembic's compare_metadata against the models (zero
# differences) and inserts through SQLAlchemy without ids; finally the whole schema must equal,
# line for line in pg_dump, the one Alembic itself creates on PostgreSQL, but for the one
# documented difference (CURRENT_TIMESTAMP defaults keep SQLite's UTC meaning).
# Needs a running cluster (PGHOST, PGPORT, PGUSER) and Debian's python3-sqlalchemy, alembic and
# python3-psycopg2; run with bash as a user the server can read files of.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hangar_e2e.XXXXXX")
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
url() { echo "postgresql+psycopg2://$PGUSER@/$1?host=$PGHOST&port=$PGPORT"; }
dump() { pg_dump -s -n public --no-owner --no-privileges "$1" | grep -v '^\\\(un\)\?restrict'; }
fail() { echo "e2e: FAILED: $*" >&2; exit 1; }

"$py" "$here/make_app_db.py" "$work/app.db"

for db in hangar_e2e hangar_e2e_golden; do dropdb --if-exists "$db" 2>/dev/null; createdb "$db"; done
psql -X -q -v ON_ERROR_STOP=1 -d hangar_e2e -c "CREATE EXTENSION hangar_fdw"
unverified=$(PGOPTIONS="-c client_min_messages=warning" psql -X -At -v ON_ERROR_STOP=1 -d hangar_e2e \
  -c "SELECT count(*) FILTER (WHERE rows_copied IS NOT NULL AND (verified IS NOT TRUE OR rows_rejected > 0))
      FROM hangar_migrate('$work/app.db')")
[ "$unverified" = 0 ] || fail "$unverified tables were not copied and verified"
echo "e2e: hangar_migrate copied and verified every table"

HANGAR_DB_URL=$(url hangar_e2e) "$py" -m alembic -c "$here/app/alembic.ini" upgrade head 2>/dev/null ||
  fail "the app's next Alembic revision does not apply to the migrated schema"
echo "e2e: the app's next Alembic revision applies"

"$py" "$here/compare_schema.py" "$(url hangar_e2e)" || fail "Alembic finds differences"

HANGAR_DB_URL=$(url hangar_e2e_golden) "$py" -m alembic -c "$here/app/alembic.ini" upgrade head 2>/dev/null
dump hangar_e2e_golden >"$work/golden.sql"
dump hangar_e2e | sed "s/DEFAULT timezone('utc'::text, now())/DEFAULT now()/" >"$work/migrated.sql"
diff -u "$work/golden.sql" "$work/migrated.sql" || fail "pg_dump differs from the schema Alembic creates"
echo "e2e: pg_dump of the migrated schema equals the one Alembic creates on PostgreSQL"
for db in hangar_e2e hangar_e2e_golden; do dropdb "$db"; done
bash "$here/rollback.sh"  # the way back: hangar_export, then the app on SQLite again
