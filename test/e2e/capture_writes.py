#!/usr/bin/python3
# Usage: capture_writes.py PATH   (run with /usr/bin/python3)
# The Hangar Bay app's own writes on its SQLite file while hangar_fdw's change capture is on
# (test/e2e/capture.sh): ORM inserts that rely on the ids SQLite hands out (the capture triggers
# insert into their log, which must not change what the app reads back as the new row's id),
# updates, a watchlist (composite key) row, and deletes with foreign keys enforced, one of them
# cascading. Prints the new rows' ids as JSON.
import datetime as dt
import json
import os
import sys
from decimal import Decimal

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.models import Corporation, ItemType, MarketOrder, Pilot, Station, Transaction, watchlist  # noqa: E402

engine = sa.create_engine("sqlite:///" + sys.argv[1])
sa.event.listen(engine, "connect", lambda dbapi_conn, _: dbapi_conn.execute("PRAGMA foreign_keys=ON"))
with Session(engine) as s:
    corp = Corporation(ticker="CAPT", name="Capture Corp", founded=dt.date(2024, 8, 1))
    s.add(corp)
    s.flush()
    pilot = Pilot(character_id=9000000001, name="Captured Pilot ✓", corporation=corp,
                  settings={"capture": True})
    s.add(pilot)
    s.flush()
    station = s.query(Station).order_by(Station.id).first()
    item = s.query(ItemType).order_by(ItemType.id).first()
    order = MarketOrder(pilot=pilot, station=station, item_type=item, side="buy", price=Decimal("12.34"),
                        volume_total=7, issued_at=dt.datetime(2024, 8, 2, 3, 4, 5, 678901))
    s.add(order)
    s.flush()
    trade = Transaction(order=order, buyer=pilot, side="buy", quantity=3, unit_price=Decimal("12.30"),
                        executed_at=dt.datetime(2024, 8, 2, 4, 0, 0))
    s.add(trade)
    for p in s.query(Pilot).filter(Pilot.id != pilot.id).order_by(Pilot.id).limit(3):
        p.security_status = -1.25
        p.settings = {"changed": "by the app"}
    s.execute(watchlist.insert().values(pilot_id=pilot.id, type_id=item.id))
    s.delete(s.query(Transaction).filter(Transaction.id != trade.id).order_by(Transaction.id).first())
    # its transactions go with it (ON DELETE CASCADE, enforced by SQLite here)
    s.delete(s.query(MarketOrder).filter(MarketOrder.id != order.id).order_by(MarketOrder.id.desc()).first())
    s.commit()
    print(json.dumps({"corporations": corp.id, "pilots": pilot.id, "market_orders": order.id,
                      "transactions": trade.id}))
