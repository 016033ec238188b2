#!/usr/bin/python3
"""Writers racing on one WAL-mode SQLite file: a Python sqlite3 writer (as the app would be) and
PostgreSQL sessions writing through an updatable hangar_fdw foreign table, at the same time.

Checks that nothing is lost and nobody deadlocks: every row each side committed is in the file
exactly once, the file passes PRAGMA integrity_check, and the whole race ends within a bound.
A PostgreSQL transaction that read the file before another process wrote it cannot turn its
snapshot into a write transaction (SQLite's BUSY_SNAPSHOT); it fails with SQLSTATE 40001 and is
retried, as any serialization failure is. Those retries are counted and printed.

Usage: write_race.py DIR   (PGHOST/PGPORT/PGUSER name the cluster; hangar_fdw must be installed)
"""
import os
import sqlite3
import sys
import threading
import time

import psycopg2
import psycopg2.errors

ROWS = 400          # rows each writer commits
DEADLINE = 120.0    # seconds; a deadlock would hang far beyond this


def sqlite_writer(path, failures):
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        for i in range(ROWS):
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO log (writer, n) VALUES ('python', ?)", (i,))
            if i % 10 == 0:
                db.execute("UPDATE counter SET value = value + 1 WHERE name = 'python'")
            db.execute("COMMIT")
    except Exception as e:  # reported by the main thread
        failures.append(f"python writer: {e!r}")
    finally:
        db.close()


def pg_writer(name, failures, retries):
    conn = psycopg2.connect(dbname="hangar_race")
    try:
        cur = conn.cursor()
        for i in range(ROWS):
            while True:
                try:
                    # every other transaction reads first, then writes: the snapshot the read
                    # took must become a write; the others write first and wait for the lock
                    if i % 2 == 0:
                        cur.execute("SELECT count(*) FROM race.log WHERE writer = %s", (name,))
                        (before,) = cur.fetchone()
                        if before != i:
                            raise AssertionError(f"{name} saw {before} of its rows before row {i}")
                    cur.execute("INSERT INTO race.log (writer, n) VALUES (%s, %s)", (name, i))
                    if i % 10 == 0:
                        cur.execute("UPDATE race.counter SET value = value + 1 WHERE name = %s", (name,))
                    conn.commit()
                    break
                except psycopg2.errors.SerializationFailure:
                    conn.rollback()
                    retries[name] = retries.get(name, 0) + 1
    except Exception as e:
        failures.append(f"{name}: {e!r}")
    finally:
        conn.close()


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "race.db")
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE log (id INTEGER PRIMARY KEY AUTOINCREMENT, writer TEXT NOT NULL, n INTEGER NOT NULL, "
               "UNIQUE (writer, n))")
    db.execute("CREATE TABLE counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")
    db.executemany("INSERT INTO counter VALUES (?, 0)", [("python",), ("pg1",), ("pg2",)])
    db.close()

    admin = psycopg2.connect(dbname="postgres")
    admin.autocommit = True
    admin.cursor().execute("DROP DATABASE IF EXISTS hangar_race")
    admin.cursor().execute("CREATE DATABASE hangar_race")
    admin.close()
    setup = psycopg2.connect(dbname="hangar_race")
    cur = setup.cursor()
    cur.execute("CREATE EXTENSION hangar_fdw")
    cur.execute("CREATE SERVER race FOREIGN DATA WRAPPER hangar_fdw "
                "OPTIONS (database %s, updatable 'true', busy_timeout_ms '30000')", (path,))
    cur.execute("CREATE SCHEMA race")
    cur.execute("IMPORT FOREIGN SCHEMA main FROM SERVER race INTO race")
    setup.commit()
    setup.close()

    failures, retries = [], {}
    threads = [threading.Thread(target=sqlite_writer, args=(path, failures))]
    threads += [threading.Thread(target=pg_writer, args=(name, failures, retries)) for name in ("pg1", "pg2")]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, DEADLINE - (time.monotonic() - started)))
    elapsed = time.monotonic() - started
    if any(t.is_alive() for t in threads):
        print(f"write_race: FAILED, still running after {DEADLINE:.0f} s (a deadlock?)")
        os._exit(1)

    db = sqlite3.connect(path)
    counts = dict(db.execute("SELECT writer, count(DISTINCT n) FROM log GROUP BY writer"))
    total = db.execute("SELECT count(*) FROM log").fetchone()[0]
    counters = dict(db.execute("SELECT name, value FROM counter"))
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    expected_counter = (ROWS + 9) // 10
    ok = (not failures and integrity == "ok" and total == 3 * ROWS
          and all(counts.get(w) == ROWS for w in ("python", "pg1", "pg2"))
          and all(counters.get(w) == expected_counter for w in ("python", "pg1", "pg2")))
    print(f"write_race: {total} rows in {elapsed:.1f} s (python {counts.get('python')}, pg1 {counts.get('pg1')}, "
          f"pg2 {counts.get('pg2')}; counters {counters}); integrity_check {integrity}; "
          f"40001 retries {sum(retries.values())}")
    for f in failures:
        print(f"write_race: {f}")
    if not ok:
        print("write_race: FAILED")
        sys.exit(1)


if __name__ == "__main__":
    main()
