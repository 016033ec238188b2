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
