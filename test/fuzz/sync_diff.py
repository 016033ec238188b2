#!/usr/bin/python3
"""A fixed-seed differential test of hangar_sync (run by test/run-tests.sh).

Two copies of one SQLite app file are migrated: one synced reading every row, the other with
change capture started before its migration. Each round applies the same random writes to both
files with Python's sqlite3 (foreign keys on): inserts, updates of values and of keys (a
composite key's part, an INTEGER PRIMARY KEY no row references), deletes, INSERT OR REPLACE that
takes another row's unique value, NULLs, blobs, a row changed and changed back; one table has a
stored generated column (PostgreSQL computes it, and its state comes from the table). Then both are
synced, and every table must be verified by hangar_sync and by hangar_verify (counts and
checksums of every value against SQLite's own rows). Some rounds write nothing (the sync must
write nothing), some sync twice, and every seventh round changes a row in PostgreSQL first: the
sync must refuse it (SQLSTATE 55000, nothing written) and overwrite => true must then verify.
Many small rounds make capture's appended state entries grow until the state is rewritten.

Usage: sync_diff.py --dir DIR [--seed N] [--rounds N]
Connection settings come from PGHOST, PGPORT, PGUSER, PGDATABASE.
"""
import argparse
import os
import random
import sqlite3
import sys

import psycopg2

SCHEMA = """
    CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n REAL, b BLOB, ts DATETIME);
    CREATE TABLE c (id INTEGER PRIMARY KEY AUTOINCREMENT, a_id INTEGER REFERENCES a (id), v TEXT,
                    vlen INTEGER GENERATED ALWAYS AS (length(v)) STORED);
    CREATE TABLE kv (k TEXT NOT NULL, j INTEGER NOT NULL, v TEXT, PRIMARY KEY (k, j)) WITHOUT ROWID;
"""


def build(path, rng):
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO a VALUES (?, ?, ?, ?, ?)",
                   [(i, f"name {i}", rng.choice([None, i * 0.5]), rng.randbytes(rng.randint(0, 40)),
                     f"2024-0{i % 9 + 1}-1{i % 9} 10:00:00") for i in range(1, 300)])
    db.executemany("INSERT INTO c (a_id, v) VALUES (?, ?)", [(rng.randint(1, 299), f"v{i}") for i in range(600)])
    db.executemany("INSERT INTO kv VALUES (?, ?, ?)", [(f"k{i % 50}", i, rng.choice([None, "x", f"é{i}"])) for i in range(400)])
    db.commit()
    db.close()


def writes(rng):
    """One round's writes, as (sql, params) pairs; a statement that fails (a foreign key) is skipped
    the same way on both files, since both hold the same rows."""
    out = []
    for _ in range(rng.randint(0, 25)):
        kind = rng.randrange(10)
        if kind == 0:
            out.append(("INSERT INTO a (name, n, b, ts) VALUES (?, ?, ?, ?)",
                        (f"new {rng.random()}", rng.random(), rng.randbytes(rng.randint(0, 8)), "2025-01-01 00:00:00")))
        elif kind == 1:
            out.append(("UPDATE a SET n = ?, b = ? WHERE id = ?", (rng.choice([None, rng.random()]), None, rng.randint(1, 320))))
        elif kind == 2:  # a key moved: only when nothing references it
            old = rng.randint(1, 320)
            out.append(("UPDATE a SET id = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM c WHERE a_id = ?)",
                        (old + 1000 + rng.randint(0, 99), old, old)))
        elif kind == 3:
            out.append(("DELETE FROM c WHERE id = ?", (rng.randint(1, 700),)))
        elif kind == 4:
            out.append(("DELETE FROM a WHERE id = ? AND NOT EXISTS (SELECT 1 FROM c WHERE a_id = ?)",
                        (rng.randint(1, 320),) * 2))
        elif kind == 5:  # takes another row's unique name: deletes that row without a DELETE trigger
            victim = rng.randint(1, 320)
            out.append(("INSERT OR REPLACE INTO a (id, name) SELECT ?, name FROM a WHERE id = ? "
                        "AND NOT EXISTS (SELECT 1 FROM c WHERE a_id = ?)", (2000 + rng.randint(0, 500), victim, victim)))
        elif kind == 6:
            out.append(("INSERT INTO c (a_id, v) SELECT id, ? FROM a ORDER BY random_key LIMIT 1".replace(
                "ORDER BY random_key", "WHERE id >= ? ORDER BY id"), (f"c {rng.random()}", rng.randint(1, 300))))
        elif kind == 7:
            out.append(("UPDATE kv SET j = j + 1000 WHERE k = ? AND j = ?", (f"k{rng.randint(0, 49)}", rng.randint(0, 400))))
        elif kind == 8:
            out.append(("INSERT OR REPLACE INTO kv VALUES (?, ?, ?)", (f"k{rng.randint(0, 60)}", rng.randint(0, 500), "replaced")))
        else:  # changed and changed back
            i = rng.randint(1, 320)
            out.append(("UPDATE a SET name = name || '!' WHERE id = ?", (i,)))
            out.append(("UPDATE a SET name = substr(name, 1, length(name) - 1) WHERE id = ?", (i,)))
    return out


def apply(path, statements):
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    for sql, params in statements:
        try:
            db.execute(sql, params)
        except sqlite3.IntegrityError:
            pass
    db.commit()
    db.close()


def fail(message):
    print(f"sync_diff: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    rng = random.Random(args.seed)
    full, captured = os.path.join(args.dir, "full.db"), os.path.join(args.dir, "captured.db")
    for path in (full, captured):
        if os.path.exists(path):
            os.remove(path)
    build(full, random.Random(args.seed))
    build(captured, random.Random(args.seed))
    pg = psycopg2.connect("")
    pg.autocommit = True
    cur = pg.cursor()
    cur.execute("SET client_min_messages = warning")
    cur.execute("DROP SCHEMA IF EXISTS sd_full, sd_captured CASCADE")
    cur.execute("SELECT count(*) FROM hangar_capture_start(%s)", (captured,))
    for path, schema in ((full, "sd_full"), (captured, "sd_captured")):
        cur.execute("SELECT count(*) FROM hangar_migrate(%s, %s) WHERE verified IS NOT TRUE AND rows_copied IS NOT NULL",
                    (path, schema))
        if cur.fetchone()[0]:
            fail(f"{schema}: the migration did not verify")
    written = {"sd_full": 0, "sd_captured": 0}
    details = {}
    appended, rewritten = 0, 0  # the capture state's appended entries, and how often they were folded in
    for round_no in range(1, args.rounds + 1):
        statements = writes(rng)
        if round_no % 7 == 0:  # a row the app changes in SQLite and, wrongly, in PostgreSQL too
            statements.append(("UPDATE a SET n = 42 WHERE id = (SELECT min(id) FROM a)", ()))
        apply(full, statements)
        apply(captured, statements)
        for path, schema in ((full, "sd_full"), (captured, "sd_captured")):
            if round_no % 7 == 0:  # refused (with capture too: the key is logged), then overwritten
                cur.execute(f"UPDATE {schema}.a SET n = -1 WHERE id = (SELECT min(id) FROM {schema}.a)")
                try:
                    cur.execute("SELECT count(*) FROM hangar_sync(%s, %s)", (path, schema))
                    fail(f"round {round_no}, {schema}: a row changed in PostgreSQL was not refused")
                except psycopg2.Error as e:
                    if e.pgcode != "55000":
                        fail(f"round {round_no}, {schema}: {e.pgcode} {e.pgerror}")
                cur.execute("SELECT count(*) FROM hangar_sync(%s, %s, overwrite => true) WHERE verified IS FALSE",
                            (path, schema))
            else:
                cur.execute("SELECT table_name, rows_inserted + rows_updated + rows_deleted, verified, detail "
                            "FROM hangar_sync(%s, %s) WHERE rows_inserted IS NOT NULL", (path, schema))
                rows = cur.fetchall()
                written[schema] += sum(r[1] for r in rows)
                for r in rows:
                    detail = r[3] or ""
                    reason = ("capture" if detail.startswith("capture:") else "row count" if "row count" in detail
                              else "in full" if detail.startswith("read in full") else "")
                    details[(schema, reason)] = details.get((schema, reason), 0) + 1
                bad = [r for r in rows if r[2] is not True]
                if bad:
                    fail(f"round {round_no}, {schema}: not verified: {bad}")
                if not statements and any(r[1] for r in rows):
                    fail(f"round {round_no}, {schema}: nothing was written to SQLite, but the sync wrote {rows}")
            cur.execute("SELECT table_name, detail FROM hangar_verify(%s, %s) WHERE verified IS NOT TRUE", (path, schema))
            wrong = cur.fetchall()
            if wrong:
                fail(f"round {round_no} (seed {args.seed}), {schema}: hangar_verify finds {wrong}")
            if schema == "sd_captured":
                cur.execute("SELECT coalesce(sum(row_count), 0) FROM hangar.sync_state "
                            "WHERE target_schema = 'sd_captured' AND kind <> 'rows'")
                now = cur.fetchone()[0]
                rewritten += now < appended
                appended = now
            if round_no % 5 == 0:  # again at once: nothing to do
                cur.execute("SELECT coalesce(sum(rows_inserted + rows_updated + rows_deleted), 0) FROM hangar_sync(%s, %s)",
                            (path, schema))
                if cur.fetchone()[0]:
                    fail(f"round {round_no}, {schema}: a second sync wrote rows")
    cur.execute("SELECT count(*) FROM hangar_capture_stop(%s)", (captured,))
    cur.execute("DROP SCHEMA sd_full, sd_captured CASCADE")
    # the test only proves something if it went through each path
    if written["sd_full"] < 200 or written["sd_full"] != written["sd_captured"]:
        fail(f"rows written: {written} (both should be the same, and many)")
    for schema, reason in (("sd_captured", "capture"), ("sd_captured", "row count")):
        if not details.get((schema, reason)):
            fail(f"no {schema} sync went through '{reason}': {details}")
    if not rewritten:
        fail("the capture state's appended entries never grew enough to be rewritten")
    print(f"sync_diff: {args.rounds} rounds of random writes (seed {args.seed}) synced in full and with capture; "
          f"every table verified by hangar_sync and hangar_verify after each; {written['sd_full']} rows written "
          f"each way; capture syncs of a table by the log {details[('sd_captured', 'capture')]} times, in full "
          f"after an INSERT OR REPLACE {details[('sd_captured', 'row count')]} times; the state rewritten {rewritten} times after appends; PostgreSQL's own changes refused and overwritten every seventh round")


if __name__ == "__main__":
    main()
