#!/usr/bin/python3
"""Tables without a primary key, as a SQLAlchemy app makes them (run by test/run-tests.sh).

A SQLAlchemy 1.4 app (Debian's python3-sqlalchemy) creates its SQLite file with create_all: posts
and tags joined by an association table with no primary key (the Table(...) of SQLAlchemy 1.x's
many-to-many documentation), and an audit log without one either, which holds duplicate rows.
Two copies are migrated, one with change capture started before. Then the app writes through its
ORM (tags appended and removed, a post deleted with its association rows, log lines written
twice) and through Core (a log line changed), both copies are synced, and every table must
verify in the sync's report and in hangar_verify; each keyless table must hold exactly SQLite's
rows, every copy of each; a second sync must write nothing, and with capture not even read a
keyless table (nothing was logged for it).

Usage: association.py DIR. Connection settings come from PGHOST, PGPORT, PGUSER, PGDATABASE.
"""
import collections
import os
import re
import sqlite3
import sys

import psycopg2
import sqlalchemy as sa
from sqlalchemy.orm import Session, declarative_base, relationship

Base = declarative_base()

post_tags = sa.Table(
    "post_tags",
    Base.metadata,
    sa.Column("post_id", sa.ForeignKey("posts.id")),
    sa.Column("tag_id", sa.ForeignKey("tags.id")),
)

audit = sa.Table(
    "audit",
    Base.metadata,
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("message", sa.Text),
)


class Post(Base):
    __tablename__ = "posts"
    id = sa.Column(sa.Integer, primary_key=True)
    title = sa.Column(sa.String(80), nullable=False)
    tags = relationship("Tag", secondary=post_tags)


class Tag(Base):
    __tablename__ = "tags"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(30), nullable=False, unique=True)


def fail(message):
    print(f"association: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def build(path):
    engine = sa.create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        tags = [Tag(name=n) for n in ("red", "green", "blue", "cyan")]
        s.add_all(tags)
        for i in range(30):
            s.add(Post(title=f"post {i}", tags=[tags[i % 4], tags[(i + 1) % 4]]))
        s.commit()
        for i in range(40):
            s.execute(audit.insert().values(at=sa.func.datetime("2024-01-01", f"+{i % 7} days"), message=f"m{i % 5}"))
        s.commit()
    engine.dispose()


def app_writes(path):
    """The app's writes after the migration, the same on both copies."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        red = s.execute(sa.select(Tag).where(Tag.name == "red")).scalar_one()
        cyan = s.execute(sa.select(Tag).where(Tag.name == "cyan")).scalar_one()
        for post in s.execute(sa.select(Post).where(Post.id <= 6)).scalars():
            if red in post.tags:
                post.tags.remove(red)
            post.tags.append(cyan)
        s.delete(s.get(Post, 10))  # its association rows go with it
        s.add(Post(title="new", tags=[red, Tag(name="magenta")]))
        for _ in range(2):  # the same line twice: two equal rows
            s.execute(audit.insert().values(at=sa.func.datetime("2024-02-01"), message="again"))
        s.execute(audit.update().where(audit.c.message == "m3").values(message="m3 edited"))
        s.commit()
    engine.dispose()


def sqlite_rows(path, table, columns):
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as c:
        rows = c.execute(sa.text(f"SELECT {columns} FROM {table}")).fetchall()
    engine.dispose()
    return collections.Counter(tuple(str(v) for v in r) for r in rows)


def check_map_growth(cur, work):
    """A keyless table of 100 000 rows synced twice: the second sync reads back a state the first
    wrote in the order of its keys' bits, into the comparison's hash table, which must have room
    for it from the start. The table has no index, so PostgreSQL's row estimate is unknown; sized
    from it, the hash table once started at 1024 slots and filled up again and again, every key
    probing past all the keys before it meanwhile (a 1M-row table took a minute)."""
    path = os.path.join(work, "big.db")
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE hits (page TEXT, at INTEGER)")
    db.executemany("INSERT INTO hits VALUES (?, ?)", ((f"/p/{i % 997}", i // 3) for i in range(100000)))
    db.commit()
    db.close()
    cur.execute("DROP SCHEMA IF EXISTS assoc_big CASCADE")
    cur.execute("SELECT count(*) FROM hangar_migrate(%s, 'assoc_big')", (path,))
    cur.execute("SELECT count(*) FROM hangar_sync(%s, 'assoc_big')", (path,))
    cur.connection.notices.clear()
    cur.execute("SET client_min_messages = debug1")
    cur.execute("SELECT verified FROM hangar_sync(%s, 'assoc_big')", (path,))
    verified = cur.fetchone()[0]
    cur.execute("SET client_min_messages = warning")
    full = [int(m.group(1)) for n in cur.connection.notices
            for m in [re.search(r"map of assoc_big\.hits: 100000 keys, full (\d+) times", n)] if m]
    if not verified or full != [0]:
        fail(f"the second sync of a 100 000-row table without a primary key: verified {verified}, its hash table "
             f"full {full} times")
    cur.execute("DROP SCHEMA assoc_big CASCADE")


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    full, captured = os.path.join(work, "full.db"), os.path.join(work, "captured.db")
    for path in (full, captured):
        if os.path.exists(path):
            os.remove(path)
        build(path)
    pg = psycopg2.connect("")
    pg.autocommit = True
    cur = pg.cursor()
    cur.execute("SET client_min_messages = warning")
    cur.execute("DROP SCHEMA IF EXISTS assoc_full, assoc_captured CASCADE")
    cur.execute("SELECT table_name, detail FROM hangar_capture_start(%s)", (captured,))
    details = dict(cur.fetchall())
    if not details["post_tags"].startswith("capturing that it changed"):
        fail(f"capture of a table without a primary key: {details['post_tags']}")
    copies = ((full, "assoc_full"), (captured, "assoc_captured"))
    for path, schema in copies:
        cur.execute("SELECT count(*) FROM hangar_migrate(%s, %s) WHERE rows_copied IS NOT NULL AND verified IS NOT TRUE",
                    (path, schema))
        if cur.fetchone()[0]:
            fail(f"{schema}: the migration did not verify")
    keyless = (("post_tags", "post_id, tag_id"), ("audit", "at, message"))
    before = {table: sqlite_rows(full, table, columns) for table, columns in keyless}
    for path, _ in copies:
        app_writes(path)
    for path, schema in copies:
        cur.execute("SELECT table_name, rows_inserted, rows_deleted, verified, detail FROM hangar_sync(%s, %s)",
                    (path, schema))
        report = {r[0]: r[1:] for r in cur.fetchall()}
        bad = {t: r for t, r in report.items() if r[2] is not True}
        if bad:
            fail(f"{schema}: not verified: {bad}")
        for table, columns in keyless:
            want = sqlite_rows(path, table, columns)
            # the rows the app added, and those it removed, copies counted
            added, removed = sum((want - before[table]).values()), sum((before[table] - want).values())
            if report[table][:2] != (added, removed) or added == 0 or removed == 0:
                fail(f"{schema}.{table}: {report[table][:2]} inserted and deleted, the app's writes are ({added}, {removed})")
            cur.execute(f"SELECT {columns} FROM {schema}.{table}")
            got = collections.Counter(tuple(str(v) for v in r) for r in cur.fetchall())
            if got != want:
                fail(f"{schema}.{table} does not hold SQLite's rows: {got - want} extra, {want - got} missing")
        cur.execute("SELECT count(*) FROM hangar_verify(%s, %s) WHERE verified IS NOT TRUE", (path, schema))
        if cur.fetchone()[0]:
            fail(f"{schema}: hangar_verify finds tables that differ")
        cur.execute("SELECT table_name, rows_inserted + rows_deleted + rows_updated, detail FROM hangar_sync(%s, %s)",
                    (path, schema))
        again = {r[0]: r[1:] for r in cur.fetchall()}
        if any(n for n, _ in again.values()):
            fail(f"{schema}: a second sync wrote rows: {again}")
        # with capture, a keyless table nothing was logged for is not read at all
        if path == captured and any(again[t][1] != "capture: nothing logged, not read" for t, _ in keyless):
            fail(f"{schema}: a second sync with capture read a keyless table: {again}")
    cur.execute("SELECT count(*) FROM hangar_capture_stop(%s)", (captured,))
    cur.execute("DROP SCHEMA assoc_full, assoc_captured CASCADE")
    check_map_growth(cur, work)
    print("association: a SQLAlchemy app's tables without a primary key (an association table, a log with "
          "duplicate rows) synced after its ORM writes, in full and with capture on: every table verified, each "
          f"holding exactly SQLite's rows, every copy of each; a 100 000-row one synced again, its state read back "
          f"into a hash table with room for it from the start")


if __name__ == "__main__":
    main()
