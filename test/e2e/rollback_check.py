#!/usr/bin/python3
# Helper of test/e2e/rollback.sh (run with /usr/bin/python3). Subcommands:
#   mutate PG_URL           changes the migrated PostgreSQL database through SQLAlchemy ORM
#                           sessions, as the app would after the move: inserts (ids from the
#                           PostgreSQL sequences), updates of text/JSON/Decimal/enum/bool/date-time
#                           columns and of a primary key (ON UPDATE CASCADE), deletes whose
#                           children the database cascades, deletes of children first where the
#                           foreign key has no ON DELETE; one commit
#   file SQLITE NATIVE      PRAGMA integrity_check is ok, PRAGMA foreign_key_check finds nothing,
#                           and Alembic's autogenerate finds on SQLITE exactly the differences it
#                           finds on NATIVE, a SQLite file the app built itself at head
#   rows PG_URL SQLITE      every row of every table, read through the ORM, is the same on both
#   ids PG_URL SQLITE       inserts through the ORM on SQLITE (rolled back) get ids above every id
#                           PostgreSQL handed out (its sequences' last_value)
# Each prints "e2e rollback: ..." lines and exits 1 when its check fails.
import datetime as dt
import os
import sqlite3
import sys
import warnings
from decimal import Decimal

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.models import (Base, Corporation, ItemCategory, ItemType, MarketOrder,  # noqa: E402
                        Pilot, Station, Transaction, watchlist)
from compare_schema import probe_values, schema_diffs  # noqa: E402

# Numeric on SQLite is REAL: SQLAlchemy warns on every read; the values are compared exactly below.
warnings.filterwarnings("ignore", "Dialect sqlite.* does \\*not\\* support Decimal", sa.exc.SAWarning)

T1 = dt.datetime(2025, 2, 28, 23, 59, 58, 765432)  # the models' DateTimes are all naive


def say(msg):
    print("e2e rollback: " + msg, flush=True)


def engine_for(url):
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    if engine.dialect.name == "sqlite":  # as the app runs on SQLite (make_app_db.py)
        sa.event.listen(engine, "connect",
                        lambda dbapi_conn, _: dbapi_conn.execute("PRAGMA foreign_keys=ON"))
    return engine


# --- mutate ------------------------------------------------------------------------------------

def count(s, table, where):
    return s.execute(sa.select(sa.func.count()).select_from(table).where(where)).scalar()


def mutate(url):
    engine = engine_for(url)
    with Session(engine) as s, s.begin():
        # Inserts. Ids come from the PostgreSQL sequences, but for one item type: EVE type ids
        # are given explicitly, as make_app_db.py does.
        parent = s.get(Corporation, 2)
        corp = Corporation(ticker="RBK", name="Rollback Refinery 🛢️ O'Neil", parent=parent,
                           founded=dt.date(2025, 2, 28), description="made in PostgreSQL\n\ttabbed")
        items = [ItemType(id=50001, name="Rollback Widget ⚙️", group_name="Widgets",
                          category=ItemCategory.commodity, volume=0.25, icon=b"\x00\xff\x00",
                          attributes={"made": "in PostgreSQL", "n": [1, 2.5, None, True]},
                          published=False),
                 ItemType(name="Sequence Widget", category=ItemCategory.module,
                          attributes=None)]  # none_as_null=False: JSON null; id from the sequence
        pilots = [Pilot(character_id=2**40 + i, name=["Rollback Pilot 🚀", "名前 ロールバック"][i],
                        corporation=corp, security_status=[-9.9, 4.25][i],
                        birthday=dt.date(2001, 2, 3 + i),
                        settings=[{"theme": "light", "nested": {"k": ["v", 1]}}, None][i],
                        **({"created_at": T1} if i else {}))  # else the server default (UTC now)
                  for i in range(2)]
        station = Station(name="Rollback Station", solar_system="Jita", owner=corp,
                          downtime=dt.time(11, 30, 15, 250000))
        orders = [MarketOrder(pilot=pilots[i % 2], station=station, item_type=items[i % 2],
                              side=("buy", "sell")[i % 2], price=Decimal("12.34") * (i + 1),
                              volume_total=10 + i, volume_remain=i, escrow=-(2**62) if i == 1 else None,
                              issued_at=T1 - dt.timedelta(hours=i, microseconds=i * 7))
                  for i in range(5)]
        orders[0].state = "expired"
        s.add_all([corp, station] + items + pilots + orders)
        s.flush()
        s.add_all([Transaction(order=orders[i % 3], buyer=pilots[i % 2] if i else None,
                               side="sell", quantity=i + 1, unit_price=Decimal("0.05") * (i + 1),
                               executed_at=T1 + dt.timedelta(seconds=i, microseconds=1))
                   for i in range(4)])
        pilots[0].watched_types.extend(items)  # watchlist rows, added_at NULL
        s.execute(watchlist.insert().values(pilot_id=pilots[1].id, type_id=34, added_at=T1))
        s.flush()

        # Updates of existing rows.
        c = s.get(Corporation, 3)
        c.name, c.description = "Renamed in PostgreSQL Ünïcödé", "emoji 🛸 and 'quotes' and \\"
        p = s.get(Pilot, 4)
        p.name, p.is_active, p.security_status = "Renamed 🚀", not p.is_active, -0.0
        p.settings = {"theme": "dark", "list": [1, "two", None], "float": 1e-7}
        p.created_at = dt.datetime(1999, 12, 31, 23, 59, 59, 999999)
        p.birthday = dt.date(1970, 1, 1)
        s.get(Pilot, 5).settings = None  # none_as_null=True: SQL NULL
        i = s.get(ItemType, 587)
        i.category, i.published, i.attributes = ItemCategory.blueprint, not i.published, None
        i.description, i.icon = "updated", bytes(range(255, -1, -1))
        s.get(ItemType, 588).attributes = {"ключ": [{"deep": False}], "🚀": 0}
        o = s.get(MarketOrder, 10)
        o.price, o.state, o.side = Decimal("9999999999.98"), "cancelled", "sell"
        o.issued_at, o.volume_remain = dt.datetime(2030, 6, 15, 0, 0, 0, 1), None
        s.get(MarketOrder, 11).price = Decimal("0.07")
        t = s.get(Transaction, 7)
        t.unit_price, t.executed_at = Decimal("1234567.01"), dt.datetime(2024, 2, 29, 12, 0, 0, 500000)
        st = s.get(Station, 3)
        st.name, st.downtime = "Renamed Station", dt.time(0, 0, 0, 1)
        s.execute(watchlist.update().where(watchlist.c.added_at.isnot(None))
                  .values(added_at=T1 + dt.timedelta(days=1)))
        s.get(ItemType, 2046).id = 2047  # a primary key: watchlist and market_orders follow (ON UPDATE CASCADE)
        s.flush()

        # Deletes. A pilot: the database cascades its orders, their transactions and its
        # watchlist rows, and sets transactions.buyer_id NULL where it bought.
        victim = s.get(Pilot, 7)
        before = (count(s, MarketOrder.__table__, MarketOrder.pilot_id == 7),
                  count(s, Transaction.__table__, Transaction.buyer_id == 7))
        s.delete(victim)
        # A corporation: pilots.corporation_id, stations.owner_id and corporations.parent_id SET NULL.
        s.delete(s.get(Corporation, 4))
        # An item type: market_orders.type_id has no ON DELETE, so its orders go first (their
        # transactions cascade); its watchlist rows cascade.
        s.execute(sa.delete(MarketOrder).where(MarketOrder.type_id == 35)
                  .execution_options(synchronize_session=False))
        s.delete(s.get(ItemType, 35))
        # The two newest orders (made above, market_orders is AUTOINCREMENT on SQLite): their ids
        # were handed out and must never come back, only sqlite_sequence can remember them.
        for o in orders[3:]:
            s.delete(o)
        s.flush()
        after = (count(s, MarketOrder.__table__, MarketOrder.pilot_id == 7),
                 count(s, Transaction.__table__, Transaction.buyer_id == 7),
                 count(s, watchlist, watchlist.c.pilot_id == 7),
                 count(s, Pilot.__table__, Pilot.corporation_id == 4),
                 count(s, MarketOrder.__table__, MarketOrder.type_id == 2046),
                 count(s, watchlist, watchlist.c.type_id == 35))
        if before[0] == 0 or before[1] == 0 or any(after):
            sys.exit("rollback_check.py mutate: the cascades did not happen: before %r after %r"
                     % (before, after))
    say("ORM changes committed on PostgreSQL: %d new orders (2 of them deleted again), pilot 7 "
        "deleted with %d orders cascading, item type 35 deleted, item type 2046 renumbered, "
        "text/JSON/Decimal/enum/bool/date-time updates" % (len(orders), before[0]))


# --- file --------------------------------------------------------------------------------------

def file_checks(path):
    """PRAGMA integrity_check and foreign_key_check, with Python's sqlite3."""
    errors = []
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        integrity = db.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            errors.append("PRAGMA integrity_check: %r" % integrity[:10])
        orphans = db.execute("PRAGMA foreign_key_check").fetchall()
        if orphans:
            errors.append("PRAGMA foreign_key_check: %d row(s), e.g. %r" % (len(orphans), orphans[:10]))
    finally:
        db.close()
    return errors


def check_file(path, native):
    errors = file_checks(path)
    # Alembic's autogenerate (compare_schema.py's comparison: compare_type, no server defaults)
    # against the models. SQLite dialect artifacts, if any, would show on a file the app built
    # itself too, so the export must give exactly the differences the native file gives (today
    # the native file gives none, so the export must give none).
    diffs = {}
    for name, p in (("export", path), ("native", native)):
        with engine_for("sqlite:///" + p).connect() as conn:
            diffs[name] = schema_diffs(conn)
    for d in sorted(set(diffs["export"]) - set(diffs["native"])):
        errors.append("autogenerate difference the native file does not have: " + d)
    for d in sorted(set(diffs["native"]) - set(diffs["export"])):
        errors.append("autogenerate difference only the native file has: " + d)
    for e in errors:
        print("  " + e)
    if errors:
        return 1
    say("%s: integrity_check ok, foreign_key_check clean, autogenerate finds %d difference(s), "
        "as on a SQLite file the app built itself" % (os.path.basename(path), len(diffs["native"])))
    return 0


# --- rows --------------------------------------------------------------------------------------

def snapshot(url):
    """{table: {primary key: {attribute: value}}}, read through an ORM session: the mapped
    classes by their column attributes, the association table and alembic_version as rows."""
    tables = {}
    with Session(engine_for(url)) as s:
        for mapper in Base.registry.mappers:
            keys = [a.key for a in mapper.column_attrs]
            tables[mapper.local_table.name] = {
                mapper.identity_key_from_instance(obj)[1]: {k: getattr(obj, k) for k in keys}
                for obj in s.query(mapper.class_)}
        tables["watchlist"] = {(r.pilot_id, r.type_id): dict(r._mapping)
                               for r in s.execute(sa.select(watchlist))}
        tables["alembic_version"] = {(v,): {"version_num": v} for v in s.execute(
            sa.text("SELECT version_num FROM alembic_version")).scalars()}
    return tables


def normalise(a, b):
    """The only thing SQLite cannot store is a time zone: an aware datetime (timestamptz in
    PostgreSQL) comes back naive from SQLite, written in UTC, so it is compared in UTC. The
    models have no timezone-aware DateTime today, so this never applies; nothing else is."""
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime) and \
            (a.tzinfo is None) != (b.tzinfo is None):
        to_utc = lambda v: v if v.tzinfo is None else v.astimezone(dt.timezone.utc).replace(tzinfo=None)  # noqa: E731
        return to_utc(a), to_utc(b)
    return a, b


def same(a, b):
    """Equal and of the same Python type, all the way down (JSON too): True is not 1, 1.0 is not
    1, -0.0 is not 0.0, Decimal('0.10') is not Decimal('0.1')."""
    a, b = normalise(a, b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (float, Decimal)):
        return repr(a) == repr(b)
    return a == b


def check_rows(pg_url, sqlite_path):
    pg, lite = snapshot(pg_url), snapshot("sqlite:///" + sqlite_path)
    errors, total = [], 0
    for table in sorted(set(pg) | set(lite)):
        p, q = pg.get(table, {}), lite.get(table, {})
        missing, extra = sorted(set(p) - set(q)), sorted(set(q) - set(p))
        if missing:
            errors.append("%s: %d row(s) missing on SQLite, keys %r" % (table, len(missing), missing[:5]))
        if extra:
            errors.append("%s: %d row(s) only on SQLite, keys %r" % (table, len(extra), extra[:5]))
        for key in sorted(set(p) & set(q)):
            total += 1
            for attr, value in p[key].items():
                if not same(value, q[key][attr]):
                    errors.append("%s %r .%s: PostgreSQL %r, SQLite %r"
                                  % (table, key, attr, value, q[key][attr]))
    for e in errors[:40]:
        print("  " + e)
    if errors:
        print("  %d difference(s)" % len(errors))
        return 1
    say("%s: all %d rows of %d tables equal PostgreSQL's through the ORM"
        % (os.path.basename(sqlite_path), total, len(pg)))
    return 0


# --- ids ---------------------------------------------------------------------------------------

def pg_last_values(url):
    """{table: last id PostgreSQL handed out} for tables whose id has an owned sequence."""
    result = {}
    with engine_for(url).connect() as conn:
        for table in Base.metadata.sorted_tables:
            pk = list(table.primary_key.columns)
            if len(pk) != 1:
                continue
            seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                               {"t": table.name, "c": pk[0].name}).scalar()
            if seq:
                last, called = conn.execute(sa.text("SELECT last_value, is_called FROM %s" % seq)).one()
                result[table.name] = last if called else last - 1
    return result


def check_ids(pg_url, sqlite_path):
    """One probe row per table with a sequence, parents first, in a transaction rolled back.
    Tables without AUTOINCREMENT give max(rowid) + 1 on SQLite, as they did for the app before
    the move: mutate() keeps their newest rows, so the bound holds there too; market_orders
    (AUTOINCREMENT) lost its newest ids in PostgreSQL, only sqlite_sequence keeps them."""
    last = pg_last_values(pg_url)
    classes = {m.local_table: m.class_ for m in Base.registry.mappers}
    new_ids, errors, lines = {}, [], []
    with Session(engine_for("sqlite:///" + sqlite_path)) as s:
        try:
            for table in Base.metadata.sorted_tables:
                if table.name not in last or table not in classes:
                    continue
                pk = list(table.primary_key.columns)[0]
                obj = classes[table](**probe_values(table, pk, new_ids))
                s.add(obj)
                s.flush()
                new_ids[table.name] = new_id = getattr(obj, pk.key)
                lines.append("%s %d > %d" % (table.name, new_id, last[table.name]))
                if not new_id > last[table.name]:
                    errors.append("%s: new id %d on SQLite, but PostgreSQL handed out ids up to %d"
                                  % (table.name, new_id, last[table.name]))
        finally:
            s.rollback()
    missing = sorted(set(last) - set(new_ids))
    if missing:
        errors.append("no probe insert for " + ", ".join(missing))
    for e in errors:
        print("  " + e)
    if errors:
        return 1
    say("new ORM inserts on SQLite get fresh ids (new id > PostgreSQL's last id): " + ", ".join(lines))
    return 0


def main():
    commands = {"mutate": (mutate, 1), "file": (check_file, 2), "rows": (check_rows, 2),
                "ids": (check_ids, 2)}
    if len(sys.argv) < 2 or sys.argv[1] not in commands or len(sys.argv) != 2 + commands[sys.argv[1]][1]:
        sys.exit("usage: rollback_check.py mutate PG_URL | file SQLITE NATIVE | rows PG_URL SQLITE"
                 " | ids PG_URL SQLITE")
    fn, _ = commands[sys.argv[1]]
    return fn(*sys.argv[2:]) or 0


if __name__ == "__main__":
    sys.exit(main())
