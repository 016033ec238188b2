#!/usr/bin/python3
# Usage: make_app_db.py PATH [REVISION]   (run with /usr/bin/python3)
# Builds the Hangar Bay SQLite app database at PATH the way the app does: deletes PATH, runs
# `alembic upgrade REVISION` against sqlite:///PATH (default: revision 4, the last one the app
# ran on SQLite; revision 5 is its first on PostgreSQL), inserts deterministic data through the ORM
# (edge values: NULL vs '' vs JSON null, emoji, microseconds, extreme integers, blobs with zero
# bytes, every enum value), then deletes and renumbers some rows with foreign keys enforced, so
# that sqlite_sequence.seq of market_orders is above its max(id). Prints one summary line.
import datetime as dt
import os
import sys
from decimal import Decimal

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import sqlalchemy as sa  # noqa: E402
from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.models import (Corporation, ItemCategory, ItemType, MarketOrder, Pilot,  # noqa: E402
                        Station, Transaction, watchlist)

BIG_MAX, BIG_MIN, INT_MAX, INT_MIN = 2**63 - 1, -2**63, 2**31 - 1, -2**31
T0 = dt.datetime(2024, 3, 1, 11, 0, 0, 123456)
LAST_SQLITE_REVISION = "e1d2c3b4a596"


def migrate(path, revision):
    cfg = Config(os.path.join(HERE, "app", "alembic.ini"))
    cfg.attributes["configure_logger"] = False  # quiet: no "Running upgrade ..." lines
    os.environ["HANGAR_DB_URL"] = "sqlite:///" + path
    command.upgrade(cfg, revision)


def corporations():
    names = ["Caldari Provisions", "Ishukone Corporation", "Hangar Bay Traders 🚀",
             "Ünïcödé Ütïlïtïes", "𝕳𝖆𝖓𝖌𝖆𝖗 Holdings", "O'Brien & \"Sons\"", "Back\\slash Ltd",
             "Empty Description Inc", "Null Sec Logistics", "Jita 4-4 Brokers"]
    descriptions = [None, "", "Line one\nline two\ttabbed", "emoji 🛸🛰️ in text", "x" * 5000]
    corps = []
    for i, name in enumerate(names):
        corps.append(Corporation(
            ticker=("C%03d" % i) if i != 9 else "", name=name,
            parent=corps[i // 3] if i % 3 and corps else None,
            founded=[None, dt.date(2003, 5, 6), dt.date(1, 1, 1), dt.date(9999, 12, 31)][i % 4],
            description=descriptions[i % len(descriptions)]))
    return corps


def item_types():
    rows = [(34, "Tritanium"), (35, "Pyerite"), (36, "Mexallon"), (37, "Isogen"),
            (38, "Nocxium"), (39, "Zydrine"), (40, "Megacyte"), (587, "Rifter"), (588, "Reaper"),
            (603, "Merlin"), (17738, "Machariel"), (24698, "Drake"), (2048, "Damage Control II"),
            (2881, "Warp Disruptor II"), (21857, "Republic Fleet EMP S"), (215, "Iron Charge S"),
            (691, "Rifter Blueprint"), (24699, "Drake Blueprint"), (44992, "PLEX"),
            (29668, "Skill Injector 💉"), (2046, "Damage Control I"), (1, "'; DROP TABLE --")]
    attributes = [{"meta_level": 5}, [], [1, "two", None, 3.5], "plain string", 0, True,
                  None, sa.null(), {"ключ": "значение", "🚀": {"nested": [1e-7, -0.0]}}]
    icons = [None, b"", b"\x00", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(256)),
             b"\x00" * 64]
    volumes = [0.01, 0.1, 1e300, 2500.0, None, 5e-324, -1.5]
    cats = list(ItemCategory)
    return [ItemType(
        id=tid, name=name, group_name=[None, "", "Mineral", "Frigate", "g" * 300][i % 5],
        category=cats[i % len(cats)], volume=volumes[i % len(volumes)],
        icon=icons[i % len(icons)], description=[None, "", "A " + name][i % 3],
        attributes=attributes[i % len(attributes)],
        **({"published": False} if i % 4 == 0 else {}))  # else the server default (true)
        for i, (tid, name) in enumerate(rows)]


def pilots(corps):
    extremes = [BIG_MAX, BIG_MIN, -BIG_MAX, INT_MAX + 1, 0]
    settings = [None, {}, {"theme": "dark", "🚀": True}, [1, 2, 3], "compact"]
    return [Pilot(
        character_id=extremes[i] if i < len(extremes) else 90000000 + i * 7919,
        name=["Capsuleer %d" % i, "Ŝtär 🚀 Pilot %d" % i, "", "名前 %d" % i][i % 4],
        corporation=corps[i % len(corps)] if i % 6 else None,
        security_status=[0.1, -10.0, 5.0, None, 1e-300, -0.5][i % 6],
        birthday=None if i % 5 == 0 else dt.date(1990 + i % 30, 1 + i % 12, 1 + i % 28),
        created_at=T0 + dt.timedelta(days=i, microseconds=i * 37),
        settings=settings[i % len(settings)],
        **({"is_active": False} if i % 3 == 0 else {}))
        for i in range(40)]


def stations(corps):
    systems = ["Jita", "Amarr", "Dodixie", "Rens", "Hek", "J-GAMP 🌌", "s" * 300]
    names = ["IV - Moon 4 - Caldari Navy Assembly Plant", "VIII - Oris - Emperor Family Academy",
             "IX - Moon 20 - Federation Navy Assembly Plant", "VI - Moon 8 - Brutor Tribe Treasury",
             "VIII - Moon 12 - Boundless Creation Factory", "Keepstar", "Station 7"]
    return [Station(name=name, solar_system=systems[i], owner=corps[i] if i % 2 else None,
                    downtime=[dt.time(11, 0), None, dt.time(23, 59, 59, 999999),
                              dt.time(0, 0)][i % 4])
            for i, name in enumerate(names)] + [Station(name=names[0], solar_system="Perimeter")]


def orders(pils, stats, items):
    prices = [Decimal("0.10"), Decimal("9999999999.99"), Decimal("0.00"), Decimal("0.01"),
              Decimal("5.55"), Decimal("1234567.89")]
    totals = [INT_MAX, 1, 100, 5000]
    remains = [INT_MIN, None, 0, 42, INT_MAX]
    durations = [90, None, 32767, -32768, 0]
    escrows = [None, 0, BIG_MAX, BIG_MIN, -BIG_MAX, 123456789012]
    states = ["open", "closed", "expired", "cancelled", None]  # None: server default 'open'
    result = []
    for i in range(150):
        o = MarketOrder(
            pilot=pils[i % len(pils)], station=stats[i % len(stats)],
            item_type=items[i % len(items)],
            side=("buy", "sell")[i % 2], price=prices[i % len(prices)],
            volume_total=totals[i % len(totals)], volume_remain=remains[i % len(remains)],
            duration_days=durations[i % len(durations)], escrow=escrows[i % len(escrows)],
            issued_at=T0 + dt.timedelta(hours=i, microseconds=(i * 104729) % 1000000))
        if states[i % len(states)]:
            o.state = states[i % len(states)]
        if i % 7 == 0:
            o.min_volume = [1, 32767, -32768, 0][i // 7 % 4]
        result.append(o)
    return result


def transactions(ords, pils):
    return [Transaction(
        order=ords[(i * 13) % len(ords)], buyer=pils[(i * 3) % len(pils)] if i % 9 else None,
        side=("sell", "buy")[i % 2], quantity=[1, INT_MAX, INT_MIN, 17][i % 4],
        unit_price=[Decimal("0.10"), Decimal("9999999999.99"), Decimal("3.14")][i % 3],
        executed_at=T0 + dt.timedelta(minutes=i * 11, microseconds=999999 - i))
        for i in range(80)]


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: make_app_db.py PATH [REVISION]")
    path = os.path.abspath(sys.argv[1])
    if os.path.exists(path):
        os.remove(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    migrate(path, sys.argv[2] if len(sys.argv) == 3 else LAST_SQLITE_REVISION)

    engine = sa.create_engine("sqlite:///" + path)
    sa.event.listen(engine, "connect",
                    lambda dbapi_conn, _: dbapi_conn.execute("PRAGMA foreign_keys=ON"))
    with Session(engine) as s, s.begin():
        corps, items = corporations(), item_types()
        pils, stats = pilots(corps), stations(corps)
        ords = orders(pils, stats, items)
        s.add_all(corps + items + pils + stats + ords + transactions(ords, pils))
        s.flush()
        s.execute(watchlist.insert(), [
            {"pilot_id": p.id, "type_id": items[(i * 5 + k) % len(items)].id,
             "added_at": None if k == 0 else T0 + dt.timedelta(seconds=i * 61 + k)}
            for i, p in enumerate(pils) for k in range(i % 3)])
    with engine.begin() as c:  # deletes and renumbering, with the database doing the cascades
        max_id = c.execute(sa.select(sa.func.max(MarketOrder.id))).scalar()
        c.execute(sa.delete(MarketOrder).where(MarketOrder.id.in_([max_id, max_id - 1, 3, 50])))
        c.execute(sa.delete(Pilot).where(Pilot.name == "Capsuleer 8"))  # its orders cascade
        c.execute(sa.delete(Corporation).where(Corporation.name == "Caldari Provisions"))
        c.execute(sa.update(ItemType).where(ItemType.id == 2048).values(id=2049))  # ON UPDATE
        orphans = c.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        seq = c.exec_driver_sql(
            "SELECT seq FROM sqlite_sequence WHERE name = 'market_orders'").scalar()
        max_id = c.execute(sa.select(sa.func.max(MarketOrder.id))).scalar()
        counts = {t: c.exec_driver_sql('SELECT count(*) FROM "%s"' % t).scalar()
                  for t in sa.inspect(c).get_table_names() if t != "sqlite_sequence"}
    if orphans or not seq > max_id:
        sys.exit("make_app_db.py: orphans %r, market_orders seq %s, max id %s"
                 % (orphans, seq, max_id))
    print("%s: %d rows in %d tables (%s); market_orders sqlite_sequence %d > max id %d" % (
        path, sum(counts.values()), len(counts),
        ", ".join("%s %d" % kv for kv in sorted(counts.items())), seq, max_id))


if __name__ == "__main__":
    main()
