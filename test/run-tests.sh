#!/usr/bin/env bash
# Runs every test of an installed hangar_fdw as a non-root user: the GoogleTest unit tests of
# the C++ core, the pg_regress suite (make installcheck), the pgTAP suite (pg_prove), the
# mutation fuzzer (test/fuzz/fuzz.py), the sync differential test (test/fuzz/sync_diff.py), the value differential test (test/fuzz/values_diff.py), the schema differential test (test/fuzz/schema_diff.py), the write race (test/concurrency/write_race.py) and the
# end-to-end SQLAlchemy + Alembic app test (test/e2e/run.sh), change capture under that app (test/e2e/capture.sh), a SQLAlchemy app's tables without a primary key synced (test/e2e/association.py) and the Django one (test/e2e/django.sh), against a throwaway cluster started in tmp_check/ and stopped on exit.
# Exits non-zero if any fails.
# Normally called by test/run-all.sh, which installs and builds first.
set -euo pipefail
tree=$(cd "$(dirname "$0")/.." && pwd)
source "$tree/test/lib.sh"
cd "$tree"

status=0
hangar_log "unit tests of the C++ core"
make -s unittest || status=1

cluster=$tree/tmp_check
hangar_cluster_stop "$cluster"
rm -rf "$cluster"
hangar_cluster_start "$cluster" fsync=off
trap 'hangar_cluster_stop "$cluster"' EXIT

hangar_log "pg_regress suite (make installcheck)"
hangar_installcheck "$tree" || status=1

hangar_log "pgTAP suite (pg_prove)"
hangar_pgtap_suite "$tree" "$cluster/fixtures" || status=1

hangar_log "fuzz: mutated SQLite files read every way; every outcome a clean error, the server up (test/fuzz/fuzz.py)"
/usr/bin/python3 test/fuzz/fuzz.py --dir "$cluster/fuzz" --mutants 400 --log "$cluster/server.log" || status=1

hangar_log "sync differential: random app writes synced in full and with capture, every table verified each round (test/fuzz/sync_diff.py)"
/usr/bin/python3 test/fuzz/sync_diff.py --dir "$cluster/sync_diff" || status=1
hangar_log "value differential: random SQLite files migrated, every row rejected and recorded or equal to SQLite's own answer (test/fuzz/values_diff.py)"
/usr/bin/python3 test/fuzz/values_diff.py --dir "$cluster/values_diff" || status=1
hangar_log "schema differential: random odd-but-valid SQLite schemas migrated, every object made or named, constraints and views probed against SQLite's (test/fuzz/schema_diff.py)"
/usr/bin/python3 test/fuzz/schema_diff.py --dir "$cluster/schema_diff" || status=1

hangar_log "write race: a Python writer and PostgreSQL sessions write one WAL file at once (test/concurrency/write_race.py)"
/usr/bin/python3 test/concurrency/write_race.py "$cluster/race" || status=1

hangar_log "end-to-end: a SQLAlchemy + Alembic app migrated and compared (test/e2e/run.sh)"
bash test/e2e/run.sh || status=1

hangar_log "end-to-end: change capture under the same app's writes and a batch-mode revision (test/e2e/capture.sh)"
bash test/e2e/capture.sh || status=1

hangar_log "end-to-end: a SQLAlchemy app's tables without a primary key synced after its ORM writes (test/e2e/association.py)"
/usr/bin/python3 -W ignore test/e2e/association.py "$cluster/association" || status=1

hangar_log "end-to-end: a Django app migrated with no options and compared (test/e2e/django.sh)"
bash test/e2e/django.sh || status=1

if [ "$status" -eq 0 ]; then hangar_log "all tests passed"; else hangar_log "some tests FAILED"; fi
exit "$status"
