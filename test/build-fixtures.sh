#!/usr/bin/env bash
# Builds the SQLite test fixtures into directory $1: every test/fixtures/*.sql into NAME.db,
# plus the broken files the error tests need (empty, not a database, corrupt, a directory).
# Silent on success: pg_regress compares everything a test prints.
set -euo pipefail
out=$1
src=$(cd "$(dirname "$0")/fixtures" && pwd)
rm -rf "$out"
mkdir -p "$out"
for sql in "$src"/*.sql; do
  sqlite3 "$out/$(basename "$sql" .sql).db" <"$sql" >/dev/null
done
: >"$out/empty.db"
printf 'this is a text file, not a SQLite database\n' >"$out/notadb.db"
mkdir "$out/directory.db"
# corrupt.db: a table over several pages, then its third page zeroed.
sqlite3 "$out/corrupt.db" "PRAGMA page_size = 4096;
  CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
  INSERT INTO t SELECT i, printf('%0100d', i) FROM n;"
dd if=/dev/zero of="$out/corrupt.db" bs=4096 seek=2 count=1 conv=notrunc status=none
# locked.db: the error tests hold an exclusive lock on it from another process.
sqlite3 "$out/locked.db" "CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1);"
# newer_format.db: a schema format number (header offset 44) newer than this SQLite reads.
sqlite3 "$out/newer_format.db" "CREATE TABLE t (id INTEGER PRIMARY KEY);"
printf '\005' | dd of="$out/newer_format.db" bs=1 seek=47 conv=notrunc status=none
# hot_journal.db: a writer that stopped in the middle of a transaction left its journal behind.
/usr/bin/python3 - "$out/hot_journal.db" <<'PY'
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
db.execute("INSERT INTO t VALUES (1, 'committed')")
db.execute("PRAGMA cache_size = 1")  # spill pages into the file before the commit
db.execute("BEGIN")
db.executemany("INSERT INTO t (v) VALUES (?)", [("x" * 500,)] * 2000)
os._exit(0)  # no rollback, no close: the journal stays hot
PY
