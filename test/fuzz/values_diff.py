#!/usr/bin/python3
"""A fixed-seed differential test of the values hangar_migrate copies (run by test/run-tests.sh).

Hypothesis generates SQLite files of one or two tables (rowid, INTEGER PRIMARY KEY, WITHOUT
ROWID, STRICT and STRICT WITHOUT ROWID tables; odd table and column names), each column of one of
many declared types (and none, STRICT's ANY, MONEY for the affinity fallback), sometimes with a
DEFAULT literal (and then a row made of the defaults), and rows holding values of every storage
class: edge integers and floats, about 130 edge texts, ISO dates and times with and without zones,
JSON, UUIDs and blobs. Each file is migrated with on_error => 'reject' into a schema of its own,
and every SQLite row is checked on its own against SQLite's answer (typeof, the value Python's
sqlite3 returns, quote, CAST AS TEXT, strftime, json_valid) under README's "Type mapping" and
"Value conversion":

- each column has the type README maps its declared type (or its values) to: integers widened to
  the smallest type holding every value, TIMESTAMP/DATETIME timestamptz when a value is a time
  with a zone, columns without a type (and MONEY holding what numeric cannot) typed from the values;
- a row is either rejected, and then recorded in hangar.rejects for that run (by rowid, or by key
  in a WITHOUT ROWID table) and counted in rows_rejected, or copied, and then every value equals
  SQLite's under the mapping: integers exactly, floats bit for bit, numeric as the REAL's
  shortest decimal, a REAL read as text (or bytea) as SQLite's CAST(v AS TEXT) where that reads
  back as the same REAL, else its shortest round-trip digits in the same notation, integers and
  reals into bytea as the bytes of that text, text NaN/inf spellings in REAL and NUMERIC columns
  as NaN/Infinity, date/time text by README's ISO-8601 grammar (zone honoured in timestamptz,
  naive times there read as UTC; microseconds exact), REAL epoch seconds rounded once to the
  nearest microsecond, booleans only from 0/1 and the listed spellings, uuid only from its two
  text forms or a 16-byte blob, JSON byte for byte, char(n) padded as README says;
- a row whose every value README says arrives (a conservative model) is never rejected;
- a DEFAULT is kept only when a row holding the default's value is not refused for it, and is
  then the same value; a skipped DEFAULT's row is refused for that column;
- rows_copied + rows_rejected is SQLite's row count; a table without rejects is verified, and
  hangar_verify agrees after commit;
- a quarter of the files are also migrated with on_error => 'stop': with no rejects the rows are
  the same as in reject mode (row::text), else the migration fails naming a rejected table and row.

The first mismatch fails the run (exit status 1), printing the SQLite DDL and rows, the call, the
row, SQLite's typeof/quote and what PostgreSQL holds. Every example's schema and file are dropped.

Usage: values_diff.py --dir DIR [--seed N] [--examples N] [--keep-going] [--shrink]
Connection settings come from PGHOST, PGPORT, PGUSER, PGDATABASE. --keep-going reports every kind
of mismatch once instead of stopping at the first; --shrink lets Hypothesis shrink a failure
(slow); neither is for CI.
"""
import datetime
import decimal
import json
import math
import os
import re
import sqlite3
import struct
import sys
import uuid as uuidlib
from fractions import Fraction

import psycopg2
from hypothesis import strategies as st

import differential
from differential import qi, sql_literal

decimal.getcontext().prec = 400
D = decimal.Decimal
REF = sqlite3.connect(":memory:")  # SQLite's own readings: strftime, json_valid
PG = None
ARGS = None
COUNT = {"examples": 0, "tables": 0, "rows": 0, "copied": 0, "rejected": 0, "values": 0, "stop": 0,
         "defaults": 0, "defaults_kept": 0}
SEEN = {}  # --keep-going: mismatch kinds already reported


class Mismatch(Exception):
    def __init__(self, kind, text):
        super().__init__(text)
        self.kind = kind
        self.text = text


# ---------------------------------------------------------------- what is generated
ROWID_TYPES = ["INTEGER", "INT", "BIGINT", "SMALLINT", "TINYINT", "BOOLEAN", "REAL", "FLOAT", "DOUBLE",
               "NUMERIC", "DECIMAL(10,2)", "NUMERIC(5)", "TEXT", "VARCHAR(10)", "CHAR(3)", "CLOB", "BLOB",
               "DATE", "DATETIME", "TIMESTAMP", "TIME", "JSON", "UUID", "", "TIMESTAMPTZ", "MONEY"]
STRICT_TYPES = ["INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"]
COL_NAMES = ["a", "b", "My Col", "x y", "Val", "sel\"ect", "ünï", "c1", "order", "xmin", "e\u0301"]
TABLE_NAMES = ["t", "My Table", "data", "Ünï", "t-1", "select", "tab\"q"]

EDGE_INTS = [0, 1, -1, 2, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**63 - 1, -2**63, 2**53, 2**53 + 1,
             -(2**53) - 1, 32767, 32768, -32768, -32769, 127, 128, 255, 86400, 86400 * 19000,
             1700000000, 10**8, 99999999, 99999, 100000, 253402300799, 253402300800, 9224318016000,
             -210866760000, 2**62]
EDGE_FLOATS = [0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1e308, 1.7976931348623157e308, math.inf, -math.inf,
               0.1 + 0.2, 0.1, 19.99, 1e20, 1e15 + 0.3, 2.5, 1e16, 9007199254740993.0, 1700000000.5,
               86400.0, 0.5, -0.5, 1.0, 12345678.9, 99999999.99, 0.005, 1.005, 123456789012345.67,
               2.2479026791991795e17, 1e-7, 3.4028234663852886e38, 16777217.0, 1700000000.123456,
               1700000000.0000005, 1e10 + 0.0000019, 9.2e12, -62135596800.0, 1.5, 4.35, 0.3,
               1000000000000001.0, 1e-5, 123456789.12345678, 1e100 / 3]
EDGE_TEXTS = ["", " ", "  ", "   ", "1", "1.0", " 1", "1 ", "0x10", "1e5", "-0", "+1", "inf", "nan", "Infinity",
              "-Infinity", "true", "FALSE", "t", "F", "yes", "on", "2", "2024-02-29", "2024-02-30", "2023-02-29",
              "24:00:00", "23:59:59.999999", "23:59:60", "12:00", "12:00:00", "2024-01-01 12:00:00",
              "2024-01-01T12:00:00.123456", "2024-01-01 12:00:00.1234567", "2024-01-01 12:00:00.1234560",
              "2024-01-01 12:00:00Z", "2024-01-01 12:00:00+05:30", "2024-01-01 12:00:00 +05:30",
              "2024-01-01T12:00:00-0800", "2024-01-01 12:00:00+14", "0000-01-01", "0001-01-01",
              "9999-12-31 23:59:59.999", "2024-01-01 00:00:00", " 2024-01-01", "2024-01-01 ", "2024-1-1",
              "now", "2460000.5", "20240101", "2024-01-01 12:00:00.5Z", "12:00:00.123+01:00", "2024-01-01t12:00",
              "{\"a\":1}", "[1,2", "null", "\"x\"", " {} ", "{\"a\":\"\\u0000\"}", "{\"a\":1,\"a\":2}",
              "1.50", "[1e999]", "{\"a\":NaN}", "\"\\ud800\"", "[-0]", "[1.0E+2]", "{'a':1}", "[1,]", "01",
              "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC999C0B4EF8BB6D6BB9BD380A11",
              "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
              "a0eebc999c0b4ef8bb6d6bb9bd380a11 ", "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
              "é", "e\u0301", "😀", "👩\u200d👩\u200d👧", "ab ", "abc", "abcd", "ab", "a\tb", "\n", "a\r\n",
              "12345678901", "1234567890", "ÄÖÜäöüßéèê", "\u00a0", "\ufeffx", "ab\u3000", "\t1\t",
              "1_000", "1,5", "١٢٣", "１２", "0.30000000000000004", "1e400", "-1e400", "1e-400",
              "9223372036854775808", "-9223372036854775809", "9223372036854775807", "4.35", "19.999",
              "0.1000000001", "100.0", "1.0e+20", "Inf", "-inf", "NaN", "+inf", "INFINITY", " nan"]
EDGE_BLOBS = [b"", b"\x00", b"abc", "😀".encode(), b"\xff\xfe\xfd", bytes(range(16)),
              uuidlib.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").bytes, b"1", b"true", b"{}",
              b"2024-01-01", b"\xc3\xa9", b"a\x00b", b"\xed\xa0\x80"]

TEXT_ALPHABET = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")

ints = st.one_of(st.sampled_from(EDGE_INTS), st.integers(-2**63, 2**63 - 1), st.integers(-100, 100))
floats = st.one_of(st.sampled_from(EDGE_FLOATS), st.floats(allow_nan=False),
                   st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
                   st.integers(-10**6, 10**6).map(lambda n: n / 100))
texts = st.one_of(st.sampled_from(EDGE_TEXTS), st.text(TEXT_ALPHABET, max_size=12))
blobs = st.one_of(st.sampled_from(EDGE_BLOBS), st.binary(max_size=20))


@st.composite
def dates(draw):
    y = draw(st.one_of(st.integers(1, 9999), st.sampled_from([1970, 2000, 2024, 1, 9999])))
    s = f"{y:04d}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 31)):02d}"
    if draw(st.booleans()):
        s += draw(st.sampled_from([" ", "T"])) + f"{draw(st.integers(0, 24)):02d}:{draw(st.integers(0, 59)):02d}"
        if draw(st.booleans()):
            s += f":{draw(st.integers(0, 60)):02d}"
            if draw(st.booleans()):
                s += "." + draw(st.text("0123456789", min_size=1, max_size=8))
        s += draw(st.sampled_from(["", "", "", "Z", "+00:00", "-05:00", "+0530", "+01"]))
    return s


@st.composite
def times(draw):
    s = f"{draw(st.integers(0, 24)):02d}:{draw(st.integers(0, 60)):02d}"
    if draw(st.booleans()):
        s += f":{draw(st.integers(0, 60)):02d}"
        if draw(st.booleans()):
            s += "." + draw(st.text("0123456789", min_size=1, max_size=8))
    return s


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False, allow_infinity=False),
              st.text(TEXT_ALPHABET, max_size=5)),
    lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.text(TEXT_ALPHABET, max_size=3), c, max_size=3)),
    max_leaves=5)
jsons = st.one_of(json_values.map(lambda v: json.dumps(v, ensure_ascii=False)),
                  json_values.map(lambda v: " " + json.dumps(v, indent=1) + "\n"))
uuids = st.one_of(st.uuids().map(str), st.uuids().map(lambda u: u.hex.upper()), st.uuids().map(lambda u: u.bytes))
general = st.one_of(st.none(), ints, floats, texts, blobs)


def pool_for(decl):
    specific = {
        "DATE": st.one_of(dates(), ints.filter(lambda n: abs(n) < 10**13).map(lambda n: n - n % 86400), ints),
        "DATETIME": st.one_of(dates(), ints, floats), "TIMESTAMP": st.one_of(dates(), ints, floats),
        "TIMESTAMPTZ": st.one_of(dates(), ints, floats),
        "TIME": times(), "JSON": jsons, "UUID": uuids,
        "BOOLEAN": st.sampled_from([0, 1, "true", "false", "T", "f", "TRUE", " t", 2, -1, 1.0, "yes"])}
    if decl.upper() in specific:
        return st.one_of(specific[decl.upper()], general)
    return general


@st.composite
def table_specs(draw, index):
    kind = draw(st.sampled_from(["rowid", "ipk", "without_rowid", "strict", "strict_without_rowid"]))
    strict = kind.startswith("strict")
    ncols = draw(st.integers(1, 4))
    names = draw(st.lists(st.sampled_from(COL_NAMES), min_size=ncols, max_size=ncols, unique_by=lambda s: s.lower()))
    types = [draw(st.sampled_from(STRICT_TYPES if strict else ROWID_TYPES)) for _ in range(ncols)]
    defaults = [draw(st.one_of(st.just(None), st.just(None), st.just(None), pool_for(t))) for t in types]
    tname = draw(st.sampled_from(TABLE_NAMES)) + (str(index) if index else "")
    rows = draw(st.lists(st.tuples(*[pool_for(t) for t in types]), min_size=0, max_size=6))
    return {"name": tname, "kind": kind, "cols": list(zip(names, types)), "defaults": defaults, "rows": rows}


@st.composite
def databases(draw):
    tables = [draw(table_specs(i)) for i in range(draw(st.integers(1, 2)))]
    return tables, draw(st.integers(0, 3)) == 0


# ---------------------------------------------------------------- SQLite side
def keyed(spec):
    return spec["kind"].endswith("without_rowid")


def create_sql(spec, with_defaults):
    cols = []
    if spec["kind"] == "ipk":
        cols.append('"id" INTEGER PRIMARY KEY')
    if keyed(spec):
        cols.append('"k" INTEGER PRIMARY KEY')
    for (name, t), d in zip(spec["cols"], spec["defaults"]):
        default = f" DEFAULT {sql_literal(d)}" if with_defaults and d is not None else ""
        cols.append(f"{qi(name)} {t}".rstrip() + default)
    opts = [o for o, on in (("WITHOUT ROWID", keyed(spec)), ("STRICT", spec["kind"].startswith("strict"))) if on]
    return f"CREATE TABLE {qi(spec['name'])} ({', '.join(cols)})" + (" " + ", ".join(opts) if opts else "")


def build_sqlite(path, tables):
    """Writes the file; returns the tables as built (rows SQLite refused left out, defaults SQLite
    cannot insert dropped) and the SQL that rebuilds it."""
    db = sqlite3.connect(path)
    ddl, kept = [], []
    for spec in tables:
        names = [qi(n) for n, _ in spec["cols"]]
        has_defaults = any(d is not None for d in spec["defaults"])
        default_row = None
        if has_defaults:  # a row made of the defaults, first; SQLite may refuse it (STRICT)
            db.execute(create_sql(spec, True))
            try:
                sql = f"INSERT INTO {qi(spec['name'])} " + ('("k") VALUES (0)' if keyed(spec) else "DEFAULT VALUES")
                db.execute(sql)
                default_row = sql + ";"
            except sqlite3.Error:
                db.execute(f"DROP TABLE {qi(spec['name'])}")
                has_defaults = False
        if not has_defaults:
            spec = dict(spec, defaults=[None] * len(spec["cols"]))
            db.execute(create_sql(spec, False))
        ddl.append(create_sql(spec, True) + ";")
        if default_row:
            ddl.append(default_row)
        ok_rows = []
        for i, row in enumerate(spec["rows"]):
            cols = (['"k"'] if keyed(spec) else []) + names
            vals = ([i + 1] if keyed(spec) else []) + list(row)
            try:
                db.execute(f"INSERT INTO {qi(spec['name'])} ({', '.join(cols)}) VALUES ({', '.join('?' * len(vals))})",
                           vals)
            except sqlite3.Error:
                continue  # a STRICT table refuses the value
            ok_rows.append(row)
            ddl.append(f"INSERT INTO {qi(spec['name'])} ({', '.join(cols)}) VALUES "
                       f"({', '.join(sql_literal(v) for v in vals)});")
        kept.append(dict(spec, rows=ok_rows, default_key=(0 if keyed(spec) else 1) if default_row else None))
    db.commit()
    db.close()
    os.chmod(path, 0o644)
    return kept, ddl


def read_sqlite(path, spec):
    """Every row as SQLite holds it, in key order: (key, [(typeof, value, CAST AS TEXT of a REAL, quote)])."""
    db = sqlite3.connect(path)
    key = '"k"' if keyed(spec) else "rowid"
    sel = ", ".join(f"typeof({c}), {c}, CASE typeof({c}) WHEN 'real' THEN CAST({c} AS TEXT) END, quote({c})"
                    for c in (qi(n) for n, _ in spec["cols"]))
    rows = []
    for r in db.execute(f"SELECT {key}, {sel} FROM {qi(spec['name'])} ORDER BY {key}"):
        rows.append((r[0], [tuple(r[1 + 4 * i: 5 + 4 * i]) for i in range(len(spec["cols"]))]))
    db.close()
    return rows


# ---------------------------------------------------------------- README's rules
INT_TYPES = ["smallint", "integer", "bigint"]
INT_RANGE = {"smallint": 2**15, "integer": 2**31, "bigint": 2**63}
DECLARED = {"INTEGER": "integer", "INT": "integer", "BIGINT": "bigint", "SMALLINT": "smallint",
            "TINYINT": "smallint", "BOOLEAN": "boolean", "REAL": "double precision", "FLOAT": "double precision",
            "DOUBLE": "double precision", "NUMERIC": "numeric", "DECIMAL(10,2)": "numeric(10,2)",
            "NUMERIC(5)": "numeric(5,0)", "TEXT": "text", "VARCHAR(10)": "character varying(10)",
            "CHAR(3)": "character(3)", "CLOB": "text", "BLOB": "bytea", "DATE": "date",
            "DATETIME": "timestamp without time zone", "TIMESTAMP": "timestamp without time zone",
            "TIME": "time without time zone", "JSON": "json", "UUID": "uuid",
            "TIMESTAMPTZ": "timestamp with time zone", "MONEY": "numeric"}
PG_SPACE = " \t\n\r\f\v"
NAN_INF = {"nan": "NaN", "inf": "Infinity", "+inf": "Infinity", "infinity": "Infinity", "+infinity": "Infinity",
           "-inf": "-Infinity", "-infinity": "-Infinity"}
# README: "date/time text is ISO-8601 with a space, T or t, optional fraction (...) and optional
# zone (Z, +hh, +hhmm, +hh:mm, a sign's zone after one space); spaces around it are ignored"
ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?"
                 r"(Z| ?[+-]\d{2}(?::?\d{2})?)?")
TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?")
ZONE_LIKE = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d*)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)\s*$")
UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32}")


def days_from_civil(y, m, d):
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def valid_clock(hh, mi, ss, us):
    """README: 24:00:00 is the end of a day, as PostgreSQL and SQLite read it; no other hour 24."""
    return (hh <= 23 or (hh, mi, ss, us) == (24, 0, 0, 0)) and mi <= 59 and ss <= 59


def fraction_us(digits):
    """Microseconds of a fraction's digits, or None when it has more than six that are not zeros."""
    if not digits:
        return 0
    if len(digits) > 6 and digits[6:].strip("0"):
        return None
    return int((digits + "000000")[:6])


def parse_iso(text):
    """README's date/time text: (epoch microseconds as if UTC with the zone applied, has a zone,
    has a time of day) or None when it is not that grammar or not a valid date and time."""
    m = ISO.fullmatch(text.strip(" "))
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    hh, mi, ss = int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0)
    us = fraction_us(m.group(7))
    if us is None or not valid_clock(hh, mi, ss, us):
        return None
    try:
        datetime.date(y, mo, d)
    except ValueError:
        return None
    total = ((days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss) * 10**6) + us
    zone = m.group(8) and m.group(8).lstrip(" ")
    if zone and zone != "Z":
        z = zone[1:].replace(":", "")
        zh, zm = int(z[:2]), int(z[2:] or 0)
        if zm > 59:
            return None
        total -= (1 if zone[0] == "+" else -1) * (zh * 3600 + zm * 60) * 10**6
    return total, bool(zone), bool(hh or mi or ss or us)


def parse_time(text):
    m = TIME.fullmatch(text.strip(" "))
    if not m:
        return None
    hh, mi, ss = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    us = fraction_us(m.group(4))
    if us is None or not valid_clock(hh, mi, ss, us):
        return None
    return (hh * 3600 + mi * 60 + ss) * 10**6 + us


def sqlite_reading_us(value, typ):
    """SQLite's own reading of a date/time value (text, or epoch seconds) in microseconds, to the
    millisecond SQLite keeps, or None."""
    mod = () if typ == "text" else ("unixepoch",)
    r = REF.execute("SELECT strftime('%Y-%m-%d %H:%M:%f', ?1" + ", ?2" * len(mod) + ")", (value, *mod)).fetchone()[0]
    m = r and re.fullmatch(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})", r)
    if not m:
        return None
    y, mo, d, hh, mi, ss, ms = (int(g) for g in m.groups())
    return ((days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss) * 1000 + ms) * 1000


def real_text(val, cast):
    """README: a REAL read as text is CAST(v AS TEXT) where that reads back as the same REAL, else the
    shortest digits that do, in the same notation."""
    if float(re.sub(r"Inf$", "inf", cast)) == val:  # SQLite's equality: its '0.0' for -0.0 reads back equal
        return cast
    sign, digits, exp = D(repr(val)).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    x = exp + len(digits) - 1  # decimal exponent of the first digit
    if "e" in cast:
        out = f"{ds[0]}.{ds[1:] or '0'}e{'+' if x >= 0 else '-'}{abs(x):02d}"
    elif x < 0:
        out = "0." + "0" * (-x - 1) + ds
    elif x >= len(ds) - 1:
        out = ds + "0" * (x - len(ds) + 1) + ".0"
    else:
        out = ds[:x + 1] + "." + ds[x + 1:]
    return ("-" if sign else "") + out


def text_form(sv):
    """The text a value arrives as in a text column, or None when it must be refused."""
    typ, val, cast, _ = sv
    if typ == "text":
        return val
    if typ == "integer":
        return str(val)
    if typ == "real":
        return real_text(val, cast)
    try:
        s = val.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in s else s


def exact_decimal_text(s):
    """A text's value when it is a plain decimal number (blanks around allowed), else None."""
    s = s.strip(PG_SPACE)
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s):
        return None
    return D(s)


def expected_type(decl, classes, column_values):
    """The PostgreSQL type README maps a column to, as a set of acceptable format_type() spellings."""
    d = decl.upper()
    inferred = {"integer"}
    if d in ("", "ANY") or d == "MONEY":
        if classes == {"integer"}:
            inferred = {"bigint"}
        elif classes == {"integer", "real"}:
            inferred = {"numeric"}
        elif classes == {"real"}:
            inferred = {"double precision"}
        elif classes == {"blob"}:
            inferred = {"bytea"}
        elif not classes:
            inferred = None  # README does not say; any type
        else:
            inferred = {"text"}  # anything with text; blobs mixed with numbers: see the report
    if d in ("", "ANY"):
        return inferred
    if d == "MONEY":  # NUMERIC affinity: numeric unless a value is one numeric cannot hold
        if classes <= {"integer", "real"}:
            return {"numeric"}
        texts = [v for t, v in column_values if t == "text"]
        if "blob" not in classes and all(v.strip(PG_SPACE).lower() in NAN_INF for v in texts):
            return {"numeric"} | (inferred or set())  # numeric holds NaN text: either reading
        return inferred
    base = DECLARED[d]
    if base in INT_TYPES:
        ints_ = [v for t, v in column_values if t == "integer"]
        # README: a REAL SQLite keeps in the column (no integer, or at or past the ends of its
        # 64-bit integers: -2^63 too) makes it double precision, and an integer a double cannot
        # hold exactly beside it numeric
        if any(not (math.isfinite(v) and v == math.floor(v) and -2.0**63 < v < 2.0**63)
               for t, v in column_values if t == "real"):
            exact = all(float(v) < 2.0**63 and int(float(v)) == v for v in ints_)
            return {"double precision"} if exact else {"numeric"}
        for typ in INT_TYPES[INT_TYPES.index(base):]:
            if all(-INT_RANGE[typ] <= v < INT_RANGE[typ] for v in ints_):
                return {typ}
    if d in ("DATETIME", "TIMESTAMP"):
        zoned = [v for t, v in column_values if t == "text" and (p := parse_iso(v)) and p[1]]
        loose = [v for t, v in column_values if t == "text" and ZONE_LIKE.search(v)]
        if zoned:
            return {"timestamp with time zone"}
        if loose:
            return {"timestamp with time zone", "timestamp without time zone"}
    return {base}


def compare(pgtype, sv, pv):
    """None when PostgreSQL's value pv (as pg_select_expr gives it; None: NULL) is SQLite's value
    sv = (typeof, value, CAST AS TEXT, quote) under README's mapping, else what was expected."""
    typ, val, cast, quote = sv
    if typ == "null" or pv is None:
        return None if typ == "null" and pv is None else "NULL on one side only"
    base = re.sub(r"\(.*\)", "", pgtype)
    if base in INT_TYPES:
        n = int(pv)
        if typ == "integer":
            return None if n == val else f"the integer {val}"
        if typ == "real":
            return None if math.isfinite(val) and Fraction(val) == n else "refused (a REAL with a fraction)"
        if typ == "text":
            e = exact_decimal_text(val)
            return None if e is not None and e == n else "refused (text that is not the integer)"
        return "refused (a blob)"
    if base in ("double precision", "real"):
        f = float(pv)
        if typ == "real":
            if base == "real":
                return None if math.isinf(val) and f == val or D(pv) == D(repr(val)) else "the same shortest decimal"
            return None if struct.pack("<d", f) == struct.pack("<d", val) else f"the float {val!r} bit for bit"
        if typ == "integer":
            return None if Fraction(f) == val else f"the integer {val} exactly, or refused"
        if typ == "text":
            spelled = NAN_INF.get(val.strip(PG_SPACE).lower())
            if spelled:
                return None if pv == spelled else spelled
            e = exact_decimal_text(val)
            return None if e is not None and math.isfinite(f) and D(repr(f)) == e else "refused (text)"
        return "refused (a blob)"
    if base == "numeric":
        p = D(pv)
        limited = "(" in pgtype
        if typ == "integer":
            return None if p == val else f"the integer {val}"
        if typ == "real":
            if math.isinf(val):
                return "refused (numeric(p,s) takes no infinity)" if limited else (
                    None if p == D(val) else str(D(val)))
            return None if p.is_finite() and p == D(repr(val)) else f"the shortest decimal {repr(val)}"
        if typ == "text":
            spelled = NAN_INF.get(val.strip(PG_SPACE).lower())
            if spelled:
                if limited and spelled != "NaN":
                    return "refused (numeric(p,s) takes no infinity)"
                return None if pv == spelled else spelled
            e = exact_decimal_text(val)
            return None if e is not None and p.is_finite() and p == e else "refused (text)"
        return "refused (a blob)"
    if base == "boolean":
        b = {"true": True, "false": False}[pv]
        if typ in ("integer", "real"):
            return None if val in (0, 1) and b == (val == 1) else ("refused" if val not in (0, 1) else str(val == 1))
        if typ == "text":
            exp = {"true": True, "t": True, "1": True, "false": False, "f": False, "0": False}.get(val.strip(PG_SPACE).lower())
            return "refused (not one of README's spellings)" if exp is None else (None if b == exp else str(exp))
        return "refused (a blob)"
    if base in ("text", "character varying", "character"):
        exp = text_form(sv)
        if exp is None:
            return "refused (not UTF-8, or a NUL)"
        if base == "character":
            n = int(re.search(r"\((\d+)\)", pgtype).group(1))
            if len(exp) > n or (len(exp) < n and exp.endswith(" ")):
                return "refused (char(n): too long, or shorter and ending in spaces)"
            exp = exp + " " * (n - len(exp))
        return None if pv == exp else repr(exp)
    if base == "bytea":
        b = bytes.fromhex(pv)
        if typ == "blob":
            exp = val
        elif typ == "text":
            exp = val.encode()
        else:  # README: an integer's or a real's text as SQLite spells it; "bytea takes the same text"
            exp = (str(val) if typ == "integer" else real_text(val, cast)).encode()
        return None if b == exp else "\\x" + exp.hex()
    if base in ("date", "timestamp without time zone", "timestamp with time zone"):
        us = int(D(pv.split("|")[0]))
        if typ == "text":
            parsed = parse_iso(val)
            if parsed is None:
                return "refused (not README's date/time text)"
            exp, zoned, time_of_day = parsed
            if zoned and base != "timestamp with time zone":
                return "refused (a zone in " + base + ")"
            if base == "date" and time_of_day:
                return "refused (a time of day in a date)"
            ref = sqlite_reading_us(val, "text")
            if ref is not None and abs(ref - exp) >= 1000:
                return f"(the model and SQLite disagree: {exp} vs {ref} us)"
        elif typ in ("integer", "real"):  # Unix epoch seconds; a REAL rounded once to the microsecond
            if typ == "real" and not math.isfinite(val):
                return "refused (an infinity)"
            exp = round(Fraction(val) * 10**6)
            if base == "date" and exp % (86400 * 10**6):
                return "refused (a time of day in a date)"
            ref = sqlite_reading_us(val, typ)
            if ref is not None and abs(ref - exp) >= 1000:
                return f"(the model and SQLite disagree: {exp} vs {ref} us)"
        else:
            return "refused (a blob)"
        return None if us == exp else f"{exp} us since 1970 ({epoch_text(exp)})"
    if base.startswith("time"):
        us = int(D(pv.split("|")[0]))
        if typ != "text":
            return "refused (not text)"
        exp = parse_time(val)
        if exp is None:
            return "refused (not a time)"
        return None if us == exp else f"{exp} us since midnight"
    if base == "json":
        if typ == "text":
            valid = REF.execute("SELECT json_valid(?1)", (val,)).fetchone()[0]
            return None if valid and pv == val else ("refused (SQLite's json_valid is 0)" if not valid else repr(val))
        if typ == "integer":
            return None if pv == str(val) else str(val)
        if typ == "real":
            if not math.isfinite(val):
                return "refused (JSON has no infinity)"
            try:
                ok = re.fullmatch(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?", pv) and float(pv) == val
            except ValueError:
                ok = False
            return None if ok else f"a JSON number reading back as {val!r}"
        return "refused (a blob)"
    if base == "uuid":
        if typ == "text":
            if not UUID_TEXT.fullmatch(val.strip(PG_SPACE)):
                return "refused (not 36-character text or 32 hex digits)"
            exp = str(uuidlib.UUID(val.strip(PG_SPACE)))
        elif typ == "blob":
            if len(val) != 16:
                return "refused (not 16 bytes)"
            exp = str(uuidlib.UUID(bytes=val))
        else:
            return "refused (a number)"
        return None if pv == exp else exp
    return f"(a type this test does not know: {pgtype})"


def epoch_text(us):
    try:
        return (datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=us)).isoformat(" ")
    except OverflowError:
        return "?"


def surely_arrives(pgtype, sv):
    """A conservative model of values README says arrive: a row of only these is never rejected."""
    typ, val, cast, _ = sv
    base = re.sub(r"\(.*\)", "", pgtype)
    if typ == "null":
        return True
    if base in INT_TYPES:
        return typ == "integer" and -INT_RANGE[base] <= val < INT_RANGE[base]
    if base == "double precision":
        return typ == "real" or (typ == "integer" and abs(val) <= 2**53)
    if pgtype == "numeric":
        return typ in ("integer", "real")
    if base in ("text", "character varying", "character"):
        s = text_form(sv)
        if s is None or base == "text":
            return s is not None
        n = int(re.search(r"\((\d+)\)", pgtype).group(1))
        return len(s) <= n if base == "character varying" else (len(s) == n or (len(s) < n and not s.endswith(" ")))
    if base == "bytea":
        return True
    if base == "boolean":
        return (typ == "integer" and val in (0, 1)) or (typ == "text" and val.lower() in ("true", "false", "t", "f", "1", "0"))
    if base == "json":
        if typ == "text":
            return "\\u" not in val and REF.execute("SELECT json_valid(?1)", (val,)).fetchone()[0] == 1 \
                and py_json_valid(val)
        return typ == "integer" or (typ == "real" and math.isfinite(val))
    if base == "uuid":
        return (typ == "blob" and len(val) == 16) or (typ == "text" and bool(UUID_TEXT.fullmatch(val)))
    if base in ("date", "timestamp without time zone", "timestamp with time zone"):
        if typ == "integer":
            return abs(val) < 10**11 and (base != "date" or val % 86400 == 0)
        if typ == "text":
            p = parse_iso(val)
            return bool(p) and val[:4] != "0000" and (base == "timestamp with time zone" or not p[1]) and \
                (base != "date" or not p[2])
        return False
    if base.startswith("time without"):
        return typ == "text" and parse_time(val) is not None
    return False


def py_json_valid(text):
    try:
        json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
        return True
    except Exception:
        return False


# ---------------------------------------------------------------- PostgreSQL side
def pg_select_expr(col, pgtype):
    c = qi(col)
    if pgtype == "date":
        return f"(({c} - date '1970-01-01')::numeric * 86400000000)::text || '|' || {c}::text"
    if pgtype.startswith("time"):
        return f"(extract(epoch from {c}) * 1000000)::numeric::text || '|' || {c}::text"
    if pgtype == "bytea":
        return f"encode({c}, 'hex')"
    if pgtype.startswith("character("):
        return c  # keeps its padding
    return f"{c}::text"


def pg_columns(cur, table):
    cur.execute("""SELECT a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid)
                   FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                   WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
                   ORDER BY a.attnum""", (table,))
    return cur.fetchall()


# ---------------------------------------------------------------- one example
def mismatch(kind, ddl, schema, text):
    raise Mismatch(kind, "-- SQLite:\n" + "\n".join(ddl) + f"\n-- PostgreSQL:\nSELECT * FROM hangar_migrate("
                   f"'<file>', '{schema}', on_error => 'reject');\n" + text)


def value_text(spec, i, sv, pgtype, pv, key, expected):
    return (f"-- row {'k' if keyed(spec) else 'rowid'} = {key}, column {spec['cols'][i][0]!r} declared "
            f"{spec['cols'][i][1]!r} -> {pgtype}\n-- SQLite: typeof {sv[0]}, quote {sv[3]}"
            + (f", CAST AS TEXT {sv[2]!r}" if sv[0] == "real" else "")
            + f"\n-- PostgreSQL holds: {pv!r}\n-- README's mapping gives: {expected}")


def check_table(cur, spec, path, ddl, schema, report_row, rejects):
    _, target, copied, rejected, verified, detail, _ = report_row
    src = read_sqlite(path, spec)
    COUNT["tables"] += 1
    COUNT["rows"] += len(src)
    mine = [x for x in rejects if x[0] == spec["name"]]
    rej = {}  # key -> [(column, reason)]
    for x in mine:
        k = x[1]
        if k is None and keyed(spec):
            m = re.search(r'\bk = (-?\d+)', x[4] or "")
            k = int(m.group(1)) if m else None
        if k is None:
            mismatch("reject without its row", ddl, schema, f"-- hangar.rejects: {x}")
        rej.setdefault(k, []).append((x[2], x[4]))
    src_keys = [k for k, _ in src]
    if not set(rej) <= set(src_keys):
        mismatch("reject names no SQLite row", ddl, schema, f"-- hangar.rejects: {mine}")
    if copied + rejected != len(src) or rejected != len(rej):
        mismatch("counts", ddl, schema, f"-- SQLite has {len(src)} rows; rows_copied {copied}, rows_rejected "
                 f"{rejected}, rows in hangar.rejects {len(rej)}\n-- {mine}")
    COUNT["copied"] += copied
    COUNT["rejected"] += rejected
    pcols = pg_columns(cur, target)
    extra = 1 if spec["kind"] in ("ipk", "without_rowid", "strict_without_rowid") else 0
    if len(pcols) != len(spec["cols"]) + extra:
        mismatch("columns", ddl, schema, f"-- PostgreSQL columns {pcols}")
    vcols = pcols[extra:]
    # each column's type
    for i, (cn, decl) in enumerate(spec["cols"]):
        column_values = [(v[i][0], v[i][1]) for _, v in src if v[i][0] != "null"]
        want = expected_type(decl, {t for t, _ in column_values}, column_values)
        if want is not None and vcols[i][1] not in want:
            mismatch("column type", ddl, schema, f"-- column {cn!r} declared {decl!r} holding "
                     f"{sorted({t for t, _ in column_values})} is {vcols[i][1]}; README's mapping gives "
                     f"{' or '.join(sorted(want))}\n-- detail: {detail}")
    keyexpr = f"{qi(pcols[0][0])}::text" if extra else "NULL"
    cur.execute(f"SELECT {keyexpr}, {', '.join(pg_select_expr(c, t) for c, t, _ in vcols)} FROM {target} ORDER BY ctid")
    pg_rows = cur.fetchall()
    kept = [(k, v) for k, v in src if k not in rej]
    if len(kept) != len(pg_rows):
        mismatch("row count", ddl, schema, f"-- SQLite rows not rejected {len(kept)}, PostgreSQL rows {len(pg_rows)}")
    for k, vals in src:
        if k in rej and all(surely_arrives(vcols[i][1], sv) for i, sv in enumerate(vals)):
            mismatch("a value README says arrives was refused", ddl, schema, f"-- row {k} rejected: {rej[k]}\n-- " +
                     "\n-- ".join(f"{spec['cols'][i][0]!r} -> {vcols[i][1]}: typeof {sv[0]}, quote {sv[3]}"
                                  for i, sv in enumerate(vals)))
    by_key = {}
    for (k, vals), prow in zip(kept, pg_rows):
        if extra and str(k) != prow[0]:
            mismatch("key", ddl, schema, f"-- SQLite key {k}, PostgreSQL {prow[0]} (rows in key order)")
        by_key[k] = prow
        for i, sv in enumerate(vals):
            COUNT["values"] += 1
            expected = compare(vcols[i][1], sv, prow[1 + i])
            if expected is not None:
                mismatch(f"value: {re.sub(r'[(].*', '', vcols[i][1])} from {sv[0]}: {expected.split(' (')[0][:40]}",
                         ddl, schema, value_text(spec, i, sv, vcols[i][1], prow[1 + i], k, expected))
    # defaults: kept exactly when the default row is not refused for that column (README, The schema)
    if spec.get("default_key") is not None:
        dkey = spec["default_key"]
        dvals = dict(src)[dkey]
        for i, d in enumerate(spec["defaults"]):
            if d is None:
                continue
            COUNT["defaults"] += 1
            cname, pgtype, dexpr = vcols[i]
            refused_for_it = any(c == spec["cols"][i][0] for c, _ in rej.get(dkey, []))
            if dexpr is None:  # README: skipped and reported when it does not translate or would read otherwise
                if f'default of column "{spec["cols"][i][0]}"' not in (detail or ""):
                    mismatch("default skipped without a note", ddl, schema, f"-- column {cname!r} ({pgtype}) has no "
                             f"DEFAULT and the report does not say why (the row holding it: typeof {dvals[i][0]}, "
                             f"quote {dvals[i][3]}, {'refused' if refused_for_it else 'copied'})\n-- detail: {detail}")
                continue
            COUNT["defaults_kept"] += 1
            if refused_for_it:
                mismatch("default kept", ddl, schema, f"-- column {cname!r} ({pgtype}) has DEFAULT {dexpr[:120]}, but the "
                         f"row holding the default was refused for it: {rej[dkey]}")
            try:
                cur.execute("SAVEPOINT d")
                cur.execute(f"SELECT {pg_select_expr(cname, pgtype)} FROM (SELECT ({dexpr})::{pgtype} AS {qi(cname)}) s")
                dv = cur.fetchone()[0]
            except psycopg2.Error as e:
                cur.execute("ROLLBACK TO SAVEPOINT d")
                mismatch("default fails", ddl, schema, f"-- column {cname!r} ({pgtype}) has DEFAULT {dexpr[:80]}, "
                         f"which fails: {e.pgcode} {e.diag.message_primary[:120]}\n-- the row holding the default: "
                         f"typeof {dvals[i][0]}, quote {dvals[i][3]}, "
                         f"{'refused' if refused_for_it else 'copied'}")
            expected = compare(pgtype, dvals[i], dv)
            if expected is not None:
                mismatch("default value", ddl, schema, "-- the DEFAULT: " +
                         value_text(spec, i, dvals[i], pgtype, dv, dkey, expected) + f"\n-- DEFAULT {dexpr[:120]}")
    if rejected == 0 and verified is not True:
        mismatch("not verified", ddl, schema, f"-- report row {report_row}")


def run_example(tables, stop):
    COUNT["examples"] += 1
    n = COUNT["examples"]
    path = os.path.join(ARGS.dir, f"values_{n}.db")
    schema = f"vd_{os.getpid()}_{n}"
    if os.path.exists(path):
        os.unlink(path)
    tables, ddl = build_sqlite(path, tables)
    cur = PG.cursor()
    try:
        try:
            cur.execute("SELECT table_name, target_table, rows_copied, rows_rejected, verified, detail, run_id "
                        "FROM hangar_migrate(%s, %s, on_error => 'reject')", (path, schema))
            report = cur.fetchall()
        except psycopg2.Error as e:
            PG.rollback()
            mismatch(f"reject mode failed: {e.pgcode}", ddl, schema, f"-- {e.pgcode}: {e.pgerror}")
        by_name = {r[0]: r for r in report}
        run_ids = {r[6] for r in report if r[6] is not None}
        cur.execute("SELECT table_name, rowid, column_name, raw_value, reason, sqlstate FROM hangar.rejects "
                    "WHERE run_id = ANY(%s)", (list(run_ids),))
        rejects = cur.fetchall()
        for spec in tables:
            if spec["name"] not in by_name:
                mismatch("table missing from the report", ddl, schema, f"-- report: {report}")
            check_table(cur, spec, path, ddl, schema, by_name[spec["name"]], rejects)
        PG.commit()
        cur.execute("SELECT table_name, verified, detail FROM hangar_verify(%s, %s)", (path, schema))
        for tname, ver, det in cur.fetchall():
            r = by_name.get(tname)
            if r and r[3] == 0 and ver is not True:
                mismatch("hangar_verify", ddl, schema, f"-- hangar_verify: {tname} {ver} {det}")
        PG.commit()
        if stop:
            COUNT["stop"] += 1
            check_stop(cur, path, tables, ddl, schema, report, by_name)
    except psycopg2.Error as e:
        mismatch(f"error {e.pgcode}", ddl, schema, f"-- {e.pgcode}: {e.pgerror}")
    finally:
        PG.rollback()
        cur.execute(f"DROP SCHEMA IF EXISTS {qi(schema)} CASCADE")
        cur.execute(f"DROP SCHEMA IF EXISTS {qi(schema + '_stop')} CASCADE")
        PG.commit()
        os.unlink(path)


def check_stop(cur, path, tables, ddl, schema, report, by_name):
    total_rej = sum(r[3] or 0 for r in report)
    sschema = schema + "_stop"
    try:
        cur.execute("SELECT table_name FROM hangar_migrate(%s, %s)", (path, sschema))
        cur.fetchall()
    except psycopg2.Error as e:
        PG.rollback()
        full = f"{e.diag.message_primary}\n{e.diag.message_detail}\n{e.diag.context}"
        if not total_rej:
            mismatch("stop mode failed where reject mode rejected nothing", ddl, sschema, f"-- {e.pgcode}: {full}")
        named = [r[0] for r in report if r[3]]
        if not any(f'"{t}"' in full for t in named) or not re.search(r"rowid|row with", full):
            mismatch("stop mode's error names no rejected table and row", ddl, sschema, f"-- {e.pgcode}: {full}")
        return
    if total_rej:
        mismatch("stop mode copied what reject mode rejected", ddl, sschema, f"-- reject mode's report: {report}")
    for spec in tables:
        cur.execute("SELECT relname FROM pg_class WHERE oid = %s::regclass", (by_name[spec["name"]][1],))
        t = qi(cur.fetchone()[0])
        a = f"SELECT x::text FROM {qi(schema)}.{t} x"
        b = f"SELECT x::text FROM {qi(sschema)}.{t} x"
        cur.execute(f"SELECT count(*) FROM (({a} EXCEPT ALL {b}) UNION ALL ({b} EXCEPT ALL {a})) d")
        if cur.fetchone()[0]:
            mismatch("stop mode's rows differ from reject mode's", ddl, sschema, f"-- table {t}")
    PG.rollback()


# ---------------------------------------------------------------- driver
def main():
    global PG, ARGS
    ARGS = differential.arguments(examples=250).parse_args()
    os.makedirs(ARGS.dir, exist_ok=True)
    PG = differential.connect()
    elapsed = differential.run("values_diff", ARGS, databases(), lambda db: run_example(*db), Mismatch, SEEN, COUNT)
    if SEEN:
        print(f"values_diff: FAILED (seed {ARGS.seed}): {len(SEEN)} kinds of mismatch: {sorted(SEEN)}", file=sys.stderr)
        sys.exit(1)
    print(f"values_diff: {COUNT['examples']} SQLite files (seed {ARGS.seed}) migrated in reject mode, "
          f"{COUNT['stop']} also in stop mode: {COUNT['tables']} tables, {COUNT['rows']} rows ({COUNT['copied']} "
          f"copied, {COUNT['rejected']} rejected and recorded), {COUNT['values']} copied values equal to SQLite's "
          f"under README's mapping, {COUNT['defaults']} defaults ({COUNT['defaults_kept']} kept), counts and "
          f"verification checked; {elapsed:.0f} s")


if __name__ == "__main__":
    main()
