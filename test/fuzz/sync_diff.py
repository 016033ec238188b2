#!/usr/bin/python3
"""A fixed-seed differential test of hangar_sync (run by test/run-tests.sh).

Two copies of one SQLite app file are migrated: one synced reading every row, the other with
change capture started before its migration. Each round applies the same random writes to both
files with Python's sqlite3 (foreign keys on): inserts, updates of values and of keys (a
composite key's part, an INTEGER PRIMARY KEY no row references), deletes, INSERT OR REPLACE that
takes another row's unique value, NULLs, blobs, a row changed and changed back; one table has a
stored generated column (PostgreSQL computes it, and its state comes from the table), and one has
no primary key (synced as a multiset: duplicate rows, copies added, changed and deleted by
rowid). Then both are synced, and every table must be verified by hangar_sync and by hangar_verify (counts and
checksums of every value against SQLite's own rows). Some rounds write nothing (the sync must
write nothing), some sync twice, and every seventh round changes a row in PostgreSQL first: the
sync must refuse it (SQLSTATE 55000, nothing written) and overwrite => true must then verify.
Many small rounds make capture's appended state entries grow until the state is rewritten.
A third copy gets the same writes with foreign keys off, plus rows of no parent and parents
deleted under their children, and is synced in reject mode: its child tables (one without a
primary key) must hold exactly SQLite's rows that have a parent, and every other table verify.

Usage: sync_diff.py --dir DIR [--seed N] [--rounds N]
Connection settings come from PGHOST, PGPORT, PGUSER, PGDATABASE.
"""
import argparse
import os
import random
import re
import sqlite3
import sys

import psycopg2

SCHEMA = """
    CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n REAL, b BLOB, ts DATETIME);
    CREATE TABLE c (id INTEGER PRIMARY KEY AUTOINCREMENT, a_id INTEGER REFERENCES a (id), v TEXT,
                    vlen INTEGER GENERATED ALWAYS AS (length(v)) STORED);
    CREATE TABLE kv (k TEXT NOT NULL, j INTEGER NOT NULL, v TEXT, PRIMARY KEY (k, j)) WITHOUT ROWID;
    CREATE TABLE tags (a_id INTEGER REFERENCES a (id), tag TEXT);
"""
TAGS = ["red", "blue", "green", None]


def build(path, rng):
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO a VALUES (?, ?, ?, ?, ?)",
                   [(i, f"name {i}", rng.choice([None, i * 0.5]), rng.randbytes(rng.randint(0, 40)),
                     f"2024-0{i % 9 + 1}-1{i % 9} 10:00:00") for i in range(1, 300)])
    db.executemany("INSERT INTO c (a_id, v) VALUES (?, ?)", [(rng.randint(1, 299), f"v{i}") for i in range(600)])
    db.executemany("INSERT INTO kv VALUES (?, ?, ?)", [(f"k{i % 50}", i, rng.choice([None, "x", f"é{i}"])) for i in range(400)])
    db.executemany("INSERT INTO tags VALUES (?, ?)", [(rng.randint(1, 30), rng.choice(TAGS)) for _ in range(400)])
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
            out.append(("UPDATE a SET id = ? WHERE id = ? AND NOT EXISTS (SELECT 1 FROM c WHERE a_id = ?)"
                        " AND NOT EXISTS (SELECT 1 FROM tags WHERE a_id = ?)",
                        (old + 1000 + rng.randint(0, 99), old, old, old)))
        elif kind == 3:
            out.append(("DELETE FROM c WHERE id = ?", (rng.randint(1, 700),)))
        elif kind == 4:
            out.append(("DELETE FROM a WHERE id = ? AND NOT EXISTS (SELECT 1 FROM c WHERE a_id = ?)"
                        " AND NOT EXISTS (SELECT 1 FROM tags WHERE a_id = ?)", (rng.randint(1, 320),) * 3))
        elif kind == 5:  # takes another row's unique name: deletes that row without a DELETE trigger
            victim = rng.randint(1, 320)
            out.append(("INSERT OR REPLACE INTO a (id, name) SELECT ?, name FROM a WHERE id = ? "
                        "AND NOT EXISTS (SELECT 1 FROM c WHERE a_id = ?) AND NOT EXISTS (SELECT 1 FROM tags WHERE a_id = ?)",
                        (2000 + rng.randint(0, 500), victim, victim, victim)))
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


def tag_writes(rng):
    """One round's writes to the table without a primary key, by rowid as an app's ORM would not
    see them: copies of a row added, a copy changed or deleted."""
    out = []
    for _ in range(rng.randint(0, 6)):
        kind = rng.randrange(4)
        if kind == 0:
            out.append(("INSERT INTO tags SELECT id, ? FROM a WHERE id >= ? ORDER BY id LIMIT 1",
                        (rng.choice(TAGS), rng.randint(1, 30))))
        elif kind == 1:  # another copy of a row
            out.append(("INSERT INTO tags SELECT a_id, tag FROM tags WHERE rowid = ?", (rng.randint(1, 450),)))
        elif kind == 2:
            out.append(("UPDATE tags SET tag = ? WHERE rowid = ?", (rng.choice(TAGS), rng.randint(1, 450))))
        else:
            out.append(("DELETE FROM tags WHERE rowid = ?", (rng.randint(1, 450),)))
    return out


def orphan_writes(rng):
    """Writes that leave rows of c without their parent, as an app with foreign keys off does."""
    out = []
    for _ in range(rng.randint(0, 3)):
        if rng.random() < 0.5:
            out.append(("INSERT INTO c (a_id, v) VALUES (?, ?)", (rng.randint(5000, 5010), f"orphan {rng.random()}")))
            out.append(("INSERT INTO tags VALUES (?, 'orphan')", (rng.randint(5000, 5010),)))
        else:  # a parent deleted, its children left behind
            out.append(("DELETE FROM a WHERE id = ?", (rng.randint(1, 320),)))
    return out


def check_orphans(cur, path, schema, round_no):
    """The reject-mode copy: c and tags hold exactly SQLite's rows whose parent exists (or NULL),
    every copy of a row of tags; every other table verifies against SQLite."""
    db = sqlite3.connect(path)
    has_parent = "WHERE a_id IS NULL OR a_id IN (SELECT id FROM a)"
    for table, columns in (("c", "id, a_id, v"), ("tags", "a_id, tag")):
        expected = sorted(db.execute(f"SELECT {columns} FROM {table} {has_parent}").fetchall(), key=repr)
        cur.execute(f"SELECT {columns} FROM {schema}.{table}")
        if sorted(cur.fetchall(), key=repr) != expected:
            fail(f"round {round_no}, {schema}: {table} does not hold SQLite's rows that have a parent")
    db.close()
    cur.execute("SELECT table_name, detail FROM hangar_verify(%s, %s) WHERE verified IS NOT TRUE "
                "AND table_name NOT IN ('c', 'tags')", (path, schema))
    wrong = cur.fetchall()
    if wrong:
        fail(f"round {round_no}, {schema}: hangar_verify finds {wrong}")


def apply(path, statements, foreign_keys=True):
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
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
    orphans = os.path.join(args.dir, "orphans.db")  # foreign keys off, synced in reject mode
    orphan_rng = random.Random(args.seed + 1)
    tag_rng = random.Random(args.seed + 2)
    for path in (full, captured, orphans):
        if os.path.exists(path):
            os.remove(path)
        build(path, random.Random(args.seed))
    pg = psycopg2.connect("")
    pg.autocommit = True
    cur = pg.cursor()
    cur.execute("SET client_min_messages = warning")
    cur.execute("DROP SCHEMA IF EXISTS sd_full, sd_captured, sd_orphans CASCADE")
    cur.execute("SELECT count(*) FROM hangar_capture_start(%s)", (captured,))
    for path, schema in ((full, "sd_full"), (captured, "sd_captured")):
        cur.execute("SELECT count(*) FROM hangar_migrate(%s, %s) WHERE verified IS NOT TRUE AND rows_copied IS NOT NULL",
                    (path, schema))
        if cur.fetchone()[0]:
            fail(f"{schema}: the migration did not verify")
    cur.execute("SELECT count(*) FROM hangar_migrate(%s, 'sd_orphans', on_error => 'reject')", (orphans,))
    orphans_rejected = 0
    written = {"sd_full": 0, "sd_captured": 0}
    details = {}
    appended, rewritten = 0, 0  # the capture state's appended entries, and how often they were folded in
    for round_no in range(1, args.rounds + 1):
        statements = writes(rng) + tag_writes(tag_rng)
        if round_no % 7 == 0:  # a row the app changes in SQLite and, wrongly, in PostgreSQL too
            statements.append(("UPDATE a SET n = 42 WHERE id = (SELECT min(id) FROM a)", ()))
        apply(full, statements)
        apply(captured, statements)
        apply(orphans, statements + orphan_writes(orphan_rng), foreign_keys=False)
        cur.execute("SELECT table_name, verified, detail FROM hangar_sync(%s, 'sd_orphans', on_error => 'reject') "
                    "WHERE rows_inserted IS NOT NULL", (orphans,))
        rows = cur.fetchall()
        if any(r[1] is not True for r in rows):
            fail(f"round {round_no}, sd_orphans: not verified: {rows}")
        orphans_rejected += sum(int(n) for _, _, d in rows for n in re.findall(r"(\d+) rows? rejected by", d or ""))
        check_orphans(cur, orphans, "sd_orphans", round_no)
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
                    reason = ("not read" if detail.startswith("capture: nothing logged") else "capture"
                              if detail.startswith("capture:") else "row count" if "row count" in detail
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
    cur.execute("DROP SCHEMA sd_full, sd_captured, sd_orphans CASCADE")
    # the test only proves something if it went through each path
    if written["sd_full"] < 200 or written["sd_full"] != written["sd_captured"]:
        fail(f"rows written: {written} (both should be the same, and many)")
    for schema, reason in (("sd_captured", "capture"), ("sd_captured", "row count"), ("sd_captured", "not read")):
        if not details.get((schema, reason)):
            fail(f"no {schema} sync went through '{reason}': {details}")
    if not rewritten:
        fail("the capture state's appended entries never grew enough to be rewritten")
    if orphans_rejected < 50:
        fail(f"only {orphans_rejected} rows were rejected as orphans in reject mode")
    print(f"sync_diff: {args.rounds} rounds of random writes (seed {args.seed}) synced in full and with capture; "
          f"every table verified by hangar_sync and hangar_verify after each; {written['sd_full']} rows written "
          f"each way; capture syncs of a table by the log {details[('sd_captured', 'capture')]} times, in full "
          f"after an INSERT OR REPLACE {details[('sd_captured', 'row count')]} times, the keyless table left unread "
          f"with nothing logged {details[('sd_captured', 'not read')]} times; the state rewritten {rewritten} times "
          f"after appends; PostgreSQL's own changes refused and overwritten every seventh round; "
          f"a third copy written with foreign keys off and synced in reject mode: {orphans_rejected} orphan rows rejected, "
          f"its child tables (one without a primary key) holding exactly SQLite's rows that have a parent after each round")


if __name__ == "__main__":
    main()
