#!/usr/bin/python3
"""A fixed-seed mutation fuzzer for hangar_fdw's file handling (run by test/run-tests.sh).

It builds a few valid SQLite files (an app schema with indexes, views and foreign keys; a file
with every storage class; a WAL-mode file with uncheckpointed frames), then writes mutants of
them: flipped bytes in the header, in b-tree pages and in the freelist fields, zeroed pages,
truncations, and damaged WAL frames. Each mutant is read the ways users read files:
IMPORT FOREIGN SCHEMA and a scan of every table, hangar_plan, hangar_migrate (rolled back) and
hangar_verify, writes through updatable foreign tables (INSERT ... SELECT, UPDATE of every row,
DELETE; rolled back) and hangar_export of a migration of the file, each in a fresh connection.

Every outcome must be a success or a clean error: any SQLSTATE but XX000 (internal error), and
the server must stay up (no lost connection, no "terminated by signal" in its log). The same
seed gives the same mutants, so a failure is reproducible with --keep.

Usage: fuzz.py --dir DIR [--seed N] [--mutants N] [--log SERVER_LOG] [--keep] [--show SQLSTATE]
Connection settings come from PGHOST, PGPORT, PGUSER, PGDATABASE.
"""
import argparse
import os
import random
import shutil
import sqlite3
import sys
import time

import psycopg2

PAGE = 1024


def build_app(path):
    db = sqlite3.connect(path)
    db.executescript(f"""
        PRAGMA page_size = {PAGE};
        CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT NOT NULL, born DATE, score NUMERIC(8, 2));
        CREATE TABLE pets (id INTEGER PRIMARY KEY AUTOINCREMENT, owner_id INTEGER REFERENCES owners (id),
                           name VARCHAR(40), data JSON, photo BLOB, CHECK (name <> ''));
        CREATE INDEX ix_pets_owner ON pets (owner_id);
        CREATE UNIQUE INDEX ix_owners_name ON owners (lower(name));
        CREATE VIEW pet_owners AS SELECT p.name AS pet, o.name AS owner FROM pets p JOIN owners o ON o.id = p.owner_id;
        CREATE TABLE kv (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
    """)
    rng = random.Random(1)
    db.executemany("INSERT INTO owners VALUES (?, ?, ?, ?)",
                   [(i, f"owner {i}", f"19{i % 90 + 10}-0{i % 9 + 1}-1{i % 9}", i * 1.25) for i in range(1, 400)])
    db.executemany("INSERT INTO pets (owner_id, name, data, photo) VALUES (?, ?, ?, ?)",
                   [(rng.randint(1, 399), f"pet {i}", '{"n": %d}' % i, rng.randbytes(rng.randint(0, 300)))
                    for i in range(1500)])
    db.executemany("INSERT INTO kv VALUES (?, ?)", [(f"k{i}", rng.choice([i, i * 0.5, f"t{i}", None])) for i in range(300)])
    db.commit()
    db.close()


def build_types(path):
    db = sqlite3.connect(path)
    db.executescript(f"""
        PRAGMA page_size = {PAGE};
        CREATE TABLE t (id INTEGER PRIMARY KEY, i BIGINT, r REAL, s TEXT, b BLOB, ts DATETIME, flag BOOLEAN, u);
    """)
    rng = random.Random(2)
    rows = []
    for i in range(2000):
        rows.append((i, rng.randint(-2**40, 2**40), rng.random() * 1e6, "x" * rng.randint(0, 200),
                     rng.randbytes(rng.randint(0, 100)), f"2024-0{i % 9 + 1}-{i % 27 + 1:02d} 12:00:00",
                     i % 2, rng.choice([1, 2.5, "three", None])))
    db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()
    db.close()


def build_wal(path):
    """A WAL-mode file whose last writes are still in its -wal file (not checkpointed)."""
    pid = os.fork()
    if pid == 0:
        db = sqlite3.connect(path, isolation_level=None)
        db.execute(f"PRAGMA page_size = {PAGE}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA wal_autocheckpoint = 0")
        db.execute("CREATE TABLE w (id INTEGER PRIMARY KEY, v TEXT)")
        db.executemany("INSERT INTO w VALUES (?, ?)", [(i, "v" * (i % 50)) for i in range(3000)])
        os._exit(0)  # no checkpoint on close: the frames stay in the -wal file
    os.waitpid(pid, 0)


def mutate(rng, src, dst):
    """Copies src (and its -wal file) to dst with one kind of damage; returns its description."""
    data = bytearray(open(src, "rb").read())
    wal = bytearray(open(src + "-wal", "rb").read()) if os.path.exists(src + "-wal") else None
    kinds = ["header", "page", "zero-page", "truncate", "freelist", "many"] + (["wal"] * 3 if wal else [])
    kind = rng.choice(kinds)
    if kind == "header":
        for _ in range(rng.randint(1, 3)):
            data[rng.randrange(0, 100)] = rng.randrange(256)
    elif kind == "page":
        page = rng.randrange(1, max(2, len(data) // PAGE))
        for _ in range(rng.randint(1, 8)):
            data[min(len(data) - 1, page * PAGE + rng.randrange(PAGE))] = rng.randrange(256)
    elif kind == "zero-page":
        page = rng.randrange(0, max(1, len(data) // PAGE))
        data[page * PAGE:(page + 1) * PAGE] = bytes(PAGE)
    elif kind == "truncate":
        del data[rng.randrange(0, len(data)):]
    elif kind == "freelist":
        data[32 + rng.randrange(8)] = rng.randrange(256)
    elif kind == "many":
        for _ in range(rng.randint(20, 200)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == "wal":
        for _ in range(rng.randint(1, 16)):
            wal[rng.randrange(len(wal))] = rng.randrange(256)
    open(dst, "wb").write(data)
    if wal is not None:
        open(dst + "-wal", "wb").write(wal)
    return kind


CHECKS = [
    ("import", """CREATE SCHEMA fuzz_import;
                  CREATE SERVER fuzz_srv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database %(path)s);
                  IMPORT FOREIGN SCHEMA main FROM SERVER fuzz_srv INTO fuzz_import;"""),
    ("plan", "SELECT count(*) FROM hangar_plan(%(path)s)"),
    ("migrate", "SELECT count(*) FROM hangar_migrate(%(path)s, 'fuzz_target')"),
    ("migrate-reject", "SELECT count(*) FROM hangar_migrate(%(path)s, 'fuzz_reject', on_error => 'reject')"),
    ("verify", "SELECT count(*) FROM hangar_verify(%(path)s, 'fuzz_none')"),
    ("write", """CREATE SCHEMA fuzz_write;
                 CREATE SERVER fuzz_wsrv FOREIGN DATA WRAPPER hangar_fdw OPTIONS (database %(path)s, updatable 'true');
                 IMPORT FOREIGN SCHEMA main FROM SERVER fuzz_wsrv INTO fuzz_write;"""),
    ("export", """SELECT count(*) FROM hangar_migrate(%(path)s, 'fuzz_export');
                  SELECT count(*) FROM hangar_export('fuzz_export', %(path)s || '.export', if_exists => 'replace')"""),
]

# The writes tried on every table of a mutant (each in a savepoint; the transaction rolls back).
WRITES = [
    ("write-insert", 'INSERT INTO fuzz_write."%(t)s" SELECT * FROM fuzz_write."%(t)s" LIMIT 1'),
    ("write-update", 'UPDATE fuzz_write."%(t)s" SET "%(c)s" = "%(c)s"'),
    ("write-delete", 'DELETE FROM fuzz_write."%(t)s"'),
]


# Queries pushdown sends to SQLite, run on every imported table (%(t)s; %(c)s its first column):
# on a mutant each must end cleanly; on an untouched file each must give the same answer with
# hangar_fdw.enable_pushdown on and off (differential).
PUSHED = [
    ("pushdown-group", 'SELECT "%(c)s", count(*) FROM fuzz_import."%(t)s" GROUP BY 1'),
    ("pushdown-aggregate", 'SELECT count("%(c)s"), min("%(c)s"::text), max(length("%(c)s"::text)) FROM fuzz_import."%(t)s"'),
    ("pushdown-minmax", 'SELECT min("%(c)s"), max("%(c)s") FROM fuzz_import."%(t)s"'),
    ("pushdown-sum", 'SELECT sum("%(c)s"), avg("%(c)s") FROM fuzz_import."%(t)s" WHERE "%(c)s" > 5'),
    ("pushdown-join", "SELECT count(*), max(p.id), min(o.name) FROM fuzz_import.pets p JOIN fuzz_import.owners o ON o.id = p.owner_id WHERE p.id > 10"),
    ("pushdown-left-join", "SELECT o.id, p.id FROM fuzz_import.owners o LEFT JOIN fuzz_import.pets p ON p.owner_id = o.id AND p.id < 100 WHERE o.id < 40"),
]

SHOW = set()


def run_mutant(path, differential=False):
    """Runs every check on one file; returns a list of (check, outcome) where outcome is 'ok',
    a SQLSTATE, 'DIFFERENT' (differential: pushdown on and off answered differently), or 'CRASH'."""
    outcomes = []
    for name, sql in CHECKS:
        try:
            conn = psycopg2.connect("")
        except psycopg2.OperationalError as e:
            return outcomes + [(name, "CRASH: cannot connect: %s" % e)]
        conn.autocommit = False
        try:
            cur = conn.cursor()
            cur.execute("SET client_min_messages = warning; SET statement_timeout = '20s'")
            cur.execute(sql, {"path": path})
            if name == "import":
                cur.execute("SELECT foreign_table_name FROM information_schema.foreign_tables "
                            "WHERE foreign_table_schema = 'fuzz_import'")
                for (table,) in cur.fetchall():
                    statement = 'SELECT count(*), sum(length(t::text)) FROM fuzz_import."%s" t' % table.replace('"', '""')
                    outcomes.append(("scan", in_savepoint(cur, statement)))
                    cur.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1",
                                ('fuzz_import."%s"' % table.replace('"', '""'),))
                    column = (cur.fetchone() or ("",))[0]
                    for check, query in PUSHED:
                        names = {"t": table.replace('"', '""'), "c": column.replace('"', '""')}
                        run = same_both_ways if differential else in_savepoint
                        outcomes.append((check, run(cur, query % names)))
            if name == "write":
                cur.execute("SELECT c.relname, (SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum = 1) "
                            "FROM pg_class c WHERE c.relnamespace = 'fuzz_write'::regnamespace AND c.relkind = 'f'")
                for table, column in cur.fetchall():
                    for check, statement in WRITES:
                        names = {"t": table.replace('"', '""'), "c": (column or "").replace('"', '""')}
                        outcomes.append((check, in_savepoint(cur, statement % names)))
            if name == "export" and os.path.exists(path + ".export"):
                os.remove(path + ".export")
            outcomes.append((name, "ok"))
        except psycopg2.Error as e:
            outcomes.append((name, e.pgcode if e.pgcode else "CRASH: %s" % str(e).strip()))
            if e.pgcode in SHOW:
                print("fuzz: %s %s: %s" % (path, name, str(e).strip()))
        finally:
            try:
                conn.rollback()
                conn.close()
            except psycopg2.Error:
                pass
    return outcomes


def in_savepoint(cur, statement):
    """Runs one statement in a savepoint: 'ok' or its SQLSTATE (a lost connection is raised)."""
    cur.execute("SAVEPOINT s")
    try:
        cur.execute(statement)
        return "ok"
    except psycopg2.Error as e:
        if e.pgcode is None:
            raise
        cur.execute("ROLLBACK TO SAVEPOINT s")
        return e.pgcode


def same_both_ways(cur, statement):
    """Runs a query with pushdown on and off: its outcome ('ok' or a SQLSTATE) when both agree
    (a pushed answer where PostgreSQL alone fails on a value that does not convert, class 22,
    counts as agreeing: the pushed query need not read that row), else 'DIFFERENT'."""
    answers = []
    for setting in ("on", "off"):
        cur.execute("SET LOCAL hangar_fdw.enable_pushdown = " + setting)
        outcome = in_savepoint(cur, "SELECT md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) FROM (%s) r"
                               % statement)
        answers.append(cur.fetchone()[0] if outcome == "ok" else outcome)
    cur.execute("RESET hangar_fdw.enable_pushdown")
    pushed, local = answers
    if pushed == local or (len(local) == 5 and local.startswith("22") and len(pushed) == 32):
        return "ok" if len(pushed) == 32 else pushed
    print("fuzz: DIFFERENT with pushdown on and off: %s (on %s, off %s)" % (statement, pushed, local))
    return "DIFFERENT"


def server_crashed(log_path, offset):
    if not log_path or not os.path.exists(log_path):
        return False
    with open(log_path, "rb") as f:
        f.seek(offset)
        return b"terminated by signal" in f.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--mutants", type=int, default=300)
    ap.add_argument("--log")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--show", action="append", default=[], help="print the errors of this SQLSTATE")
    args = ap.parse_args()
    SHOW.update(args.show)
    shutil.rmtree(args.dir, ignore_errors=True)
    os.makedirs(args.dir)
    bases = []
    for name, build in (("app", build_app), ("types", build_types), ("wal", build_wal)):
        path = os.path.join(args.dir, name + ".db")
        build(path)
        bases.append(path)
    setup = psycopg2.connect("")
    setup.autocommit = True
    setup.cursor().execute("SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS hangar_fdw")
    setup.close()
    rng = random.Random(args.seed)
    log_offset = os.path.getsize(args.log) if args.log and os.path.exists(args.log) else 0
    started = time.time()
    tally, failures = {}, []
    for base in bases:  # the untouched files must migrate cleanly (a write may meet a key or a view)
        for check, outcome in run_mutant(base, differential=True):
            clean_error = check.startswith("pushdown-") and outcome not in ("DIFFERENT", "XX000") and \
                not outcome.startswith("CRASH")
            clean_write_error = check.startswith("write-") and not outcome.startswith("CRASH") and outcome != "XX000"
            if outcome != "ok" and check != "verify" and not clean_write_error and not clean_error:
                failures.append((base, "base", check, outcome))
    for n in range(args.mutants):
        base = bases[n % len(bases)]
        path = os.path.join(args.dir, "mutant_%03d.db" % n)
        kind = mutate(rng, base, path)
        for check, outcome in run_mutant(path):
            key = "ok" if outcome == "ok" else ("FAIL " + outcome if outcome.startswith("CRASH") or outcome == "XX000"
                                                 else "error " + outcome)
            tally[key] = tally.get(key, 0) + 1
            if key.startswith("FAIL"):
                failures.append((path, kind, check, outcome))
        if not args.keep:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)
    crashed = server_crashed(args.log, log_offset)
    print("fuzz: %d mutants of %d files (seed %d) in %.0f s; outcomes: %s" % (
        args.mutants, len(bases), args.seed, time.time() - started,
        ", ".join("%s %d" % (k, v) for k, v in sorted(tally.items()))))
    for f in failures:
        print("fuzz: FAILED %s (%s) %s: %s" % f)
    if crashed:
        print("fuzz: FAILED the server log shows a backend terminated by a signal")
    return 1 if failures or crashed else 0


if __name__ == "__main__":
    sys.exit(main())
