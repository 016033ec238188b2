#!/usr/bin/python3
# Usage: compare_schema.py URL [SCHEMA]   (run with /usr/bin/python3)
# Checks that the database at URL (PostgreSQL schema SCHEMA, default public; a sqlite:/// URL
# works too) is what the Hangar Bay models would have created: Alembic's compare_metadata
# (compare_type=True, compare_server_default=False) must find no difference and, on PostgreSQL,
# neither may a few stricter checks (enum labels, exact column types, named CHECKs). Then, in a
# transaction that is rolled back, inserts one row through the ORM into every table with a single
# autoincrement integer primary key, without ids, and checks each new id is above the existing ids.
import datetime
import decimal
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqlalchemy as sa  # noqa: E402
from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.migration import MigrationContext  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.models import Base  # noqa: E402


def connect(url, schema):
    """An engine whose default schema is SCHEMA (PostgreSQL: search_path set at connect time, so
    the dialect's default_schema_name, which reflection uses, is SCHEMA too)."""
    args = {}
    if sa.engine.make_url(url).get_backend_name() == "postgresql":
        args["options"] = "-c search_path=%s" % schema
    return sa.create_engine(url, connect_args=args, poolclass=sa.pool.NullPool)


def schema_diffs(conn):
    """Alembic autogenerate differences, as strings."""
    def include_name(name, type_, parent_names):  # SQLAlchemy 1.4 reflects SQLite's own table
        return not (type_ == "table" and name == "sqlite_sequence")

    ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                 "compare_server_default": False,
                                                 "include_name": include_name})
    return [repr(d) for d in compare_metadata(ctx, Base.metadata)]


def pg_extra_diffs(conn):
    """What Alembic 1.8 does not compare: enum labels (it compares type names only), type
    modifiers it ignores when one side has none (numeric vs numeric(12,2), varchar vs
    varchar(64)), and named CHECK constraints (not compared at all; checked by name only)."""
    q = lambda sql: conn.execute(sa.text(sql)).fetchall()  # noqa: E731
    ns = "relnamespace = current_schema()::regnamespace"
    labels = dict(q("SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) "
                    "FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
                    "WHERE t.typnamespace = current_schema()::regnamespace GROUP BY t.typname"))
    types = {(t, c): ty for t, c, ty in q(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid WHERE c." + ns + " AND c.relkind = 'r' "
        "AND a.attnum > 0 AND NOT a.attisdropped")}
    checks = set(q("SELECT c.relname, k.conname FROM pg_constraint k JOIN pg_class c "
                   "ON c.oid = k.conrelid WHERE c." + ns + " AND k.contype = 'c'"))
    diffs = []
    for table in Base.metadata.sorted_tables:
        for col in table.columns:
            want = col.type.compile(dialect=conn.dialect).lower().replace(", ", ",")
            want = {"float": "double precision"}.get(want, want).replace(
                "varchar", "character varying")
            got = types.get((table.name, col.name))
            if got is not None and got != want:
                diffs.append("type of %s: database %s, models %s" % (col, got, want))
            if isinstance(col.type, sa.Enum) and labels.get(col.type.name) != col.type.enums:
                diffs.append("enum %s (%s): database labels %r, models %r" % (
                    col.type.name, col, labels.get(col.type.name), col.type.enums))
        for ck in table.constraints:
            if isinstance(ck, sa.CheckConstraint) and not getattr(ck, "_type_bound", False) \
                    and (table.name, ck.name) not in checks:
                diffs.append("check constraint %s missing on %s" % (ck.name, table.name))
    return diffs


def probe_value(col):
    """A value for a required column of a probe row (unlikely to clash with unique data)."""
    t = col.type
    if isinstance(t, sa.Enum):
        return t.enum_class[t.enums[0]] if t.enum_class else t.enums[0]
    if isinstance(t, sa.Boolean):
        return True
    if isinstance(t, sa.Integer):
        return 424242
    if isinstance(t, sa.Numeric) and not isinstance(t, sa.Float):
        return decimal.Decimal("1.00")
    if isinstance(t, sa.Float):
        return 1.5
    if isinstance(t, sa.DateTime):
        return datetime.datetime(2000, 1, 1, 12, 0, 0, 1)
    if isinstance(t, sa.Date):
        return datetime.date(2000, 1, 1)
    if isinstance(t, sa.Time):
        return datetime.time(12, 0)
    if isinstance(t, sa.JSON):
        return {"probe": True}
    if isinstance(t, sa.LargeBinary):
        return b"\x00probe"
    if isinstance(t, sa.String):
        return "e2e-probe"[: t.length or None]
    raise TypeError("no probe value for %s" % col)


def probe_values(table, pk, new_ids):
    """The values of a probe row: the ids of the parents' probe rows (new_ids, by table name) for
    foreign keys, a probe value for every other NOT NULL column without a server default."""
    values = {}
    for col in table.columns:
        fk = next(iter(col.foreign_keys), None)
        if col is pk or (fk is not None and fk.column.table is table):
            continue  # the id itself, and self-references
        if fk is not None:
            values[col.key] = new_ids[fk.column.table.name]
        elif not col.nullable and col.server_default is None:
            values[col.key] = probe_value(col)
    return values


def insert_probes(session):
    """Inserts one probe row per single-integer-PK mapped table, parents first; returns errors."""
    classes = {m.local_table: m.class_ for m in Base.registry.mappers}
    new_ids, errors = {}, []
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if table not in classes or len(pk) != 1 or not isinstance(pk[0].type, sa.Integer) \
                or pk[0].autoincrement not in ("auto", True) or pk[0].foreign_keys:
            continue
        old_max = session.execute(sa.select(sa.func.max(pk[0]))).scalar()
        obj = classes[table](**probe_values(table, pk[0], new_ids))
        session.add(obj)
        try:
            session.flush()
        except sa.exc.DBAPIError as e:
            print("%-14s probe insert failed: %s" % (table.name, e.orig))
            return errors + [table.name]
        new_id = getattr(obj, pk[0].key)
        new_ids[table.name] = new_id
        ok = old_max is None or new_id > old_max
        print("%-14s new id %s, max existing id %s%s" % (
            table.name, new_id, old_max, "" if ok else "  <-- NOT ABOVE EXISTING IDS"))
        if not ok:
            errors.append(table.name)
    return errors


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: compare_schema.py URL [SCHEMA]")
    engine = connect(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else "public")
    with engine.connect() as conn:
        diffs = schema_diffs(conn)
        if conn.dialect.name == "postgresql":
            diffs += pg_extra_diffs(conn)
    for d in diffs:
        print("DIFF:", d)
    if diffs:
        print("%d schema difference(s)" % len(diffs))
        return 1
    with Session(engine) as session:
        try:
            errors = insert_probes(session)
        finally:
            session.rollback()
    if errors:
        print("inserts without ids fail or reuse existing ids in: " + ", ".join(errors))
        return 1
    print("schema matches; inserts without ids work")
    return 0


if __name__ == "__main__":
    sys.exit(main())
