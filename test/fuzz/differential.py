"""What the differential fuzzers (values_diff.py, schema_diff.py) share: how they spell names and
values in SQL, their common command-line options, the PostgreSQL connection they check through,
and the Hypothesis run of a fixed seed,
which stops at the first mismatch, or with --keep-going prints each kind of mismatch once and
lets the caller fail at the end."""
import argparse
import math
import re
import sys
import time

import psycopg2
from hypothesis import HealthCheck, Phase, given, settings, seed as hseed


def qi(name):
    """A double-quoted identifier, as both SQLite and PostgreSQL read it."""
    return '"' + name.replace('"', '""') + '"'


def sql_literal(v):
    """A SQLite literal of a Python value (an infinity as a number beyond the doubles, which SQLite
    reads as one)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isinf(v):
            return "9e999" if v > 0 else "-9e999"
        return repr(v)
    if isinstance(v, bytes):
        return "X'" + v.hex().upper() + "'"
    return "'" + v.replace("'", "''") + "'"


def arguments(examples):
    """A parser with the options every differential fuzzer takes; `examples` is its default count."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--examples", type=int, default=examples)
    parser.add_argument("--keep-going", action="store_true")
    parser.add_argument("--shrink", action="store_true")
    return parser


def connect():
    """The connection to the cluster libpq's environment names, warnings only, times in UTC."""
    pg = psycopg2.connect("")
    cur = pg.cursor()
    cur.execute("SET client_min_messages = warning")
    cur.execute("SET TimeZone = 'UTC'")
    pg.commit()
    return pg


def run(name, args, strategy, run_example, mismatch, seen, counts):
    """Runs run_example on args.examples values of strategy drawn from args.seed; the seconds it took.
    A `mismatch` exception (its .kind and .text) ends the run with exit status 1, unless
    --keep-going: then each kind is printed once and kept in `seen`, and counts["mismatches"] counts
    them. Kinds matching an args.ignore expression, when the caller has that option, are counted in
    counts["ignored"] and skipped."""
    start = time.time()

    @hseed(args.seed)
    @settings(max_examples=args.examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False, print_blob=False,
              phases=[Phase.explicit, Phase.generate] + ([Phase.shrink] if args.shrink else []))
    @given(strategy)
    def test(example):
        try:
            run_example(example)
        except mismatch as m:
            if any(re.search(rx, m.kind) for rx in getattr(args, "ignore", [])):
                counts["ignored"] = counts.get("ignored", 0) + 1
                return
            if not args.keep_going:
                raise
            counts["mismatches"] = counts.get("mismatches", 0) + 1
            if m.kind not in seen:
                seen[m.kind] = m.text
                print(f"{name}: MISMATCH ({m.kind}) in example {counts['examples']}:\n{m.text}\n",
                      file=sys.stderr, flush=True)

    try:
        test()
    except mismatch as m:
        print(f"{name}: FAILED (seed {args.seed}, after {time.time() - start:.0f} s): {m.kind}\n{m.text}",
              file=sys.stderr)
        sys.exit(1)
    return time.time() - start
