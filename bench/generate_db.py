#!/usr/bin/python3
"""Deterministic generator of a web-app-shaped SQLite database for the hangar_fdw benchmark.

    generate_db.py OUT.db SCALE        write the database (scale 1: 1.26 M rows) and print row counts
    generate_db.py --pg-tables         print PostgreSQL CREATE TABLE statements (types as hangar_fdw
                                       maps them), without primary keys, indexes or foreign keys
    generate_db.py --pg-pkeys          print the ALTER TABLE ... ADD PRIMARY KEY statements
    generate_db.py --pg-constraints    print the secondary indexes and the foreign keys
    generate_db.py --tables            print the table names, parents first
    generate_db.py --export-sql TABLE  print the SELECT that sqlite3 -csv uses to export TABLE for
                                       PostgreSQL's COPY (BLOBs as '\\x' || hex(...))

The schema is written as SQLAlchemy writes it on SQLite (INTEGER NOT NULL + PRIMARY KEY (id),
VARCHAR(n), DATETIME as text 'YYYY-MM-DD HH:MM:SS.ffffff', BOOLEAN as 0/1, JSON as text,
NUMERIC(12, 2) stored as SQLite stores it (REAL, or INTEGER for whole values), FLOAT, CHAR(12),
BLOB). The same SCALE always gives a byte-identical file (fixed seeds, fixed insertion order).
Run with Debian's /usr/bin/python3 (stdlib sqlite3 only).
"""
import datetime
import json
import os
import random
import sqlite3
import sys

SEED = 20240601
BASE_ROWS = {  # rows at scale 1 (1,260,000 in all)
    "users": 60_000,
    "products": 20_000,
    "orders": 280_000,
    "order_items": 700_000,
    "events": 200_000,
}

# (name, SQLite declared type, PostgreSQL type as hangar_fdw maps it, NOT NULL)
SCHEMA = {
    "users": [
        ("id", "INTEGER", "integer", True),
        ("email", "VARCHAR(255)", "varchar(255)", True),
        ("username", "VARCHAR(50)", "varchar(50)", True),
        ("full_name", "VARCHAR(120)", "varchar(120)", False),
        ("password_hash", "BLOB", "bytea", True),
        ("referral_code", "CHAR(12)", "char(12)", True),
        ("is_active", "BOOLEAN", "boolean", True),
        ("is_admin", "BOOLEAN", "boolean", True),
        ("created_at", "DATETIME", "timestamp", True),
        ("last_login_at", "DATETIME", "timestamp", False),
        ("settings", "JSON", "json", False),
        ("bio", "TEXT", "text", False),
    ],
    "products": [
        ("id", "INTEGER", "integer", True),
        ("sku", "CHAR(12)", "char(12)", True),
        ("name", "VARCHAR(200)", "varchar(200)", True),
        ("description", "TEXT", "text", False),
        ("price", "NUMERIC(12, 2)", "numeric(12,2)", True),
        ("weight_kg", "FLOAT", "double precision", False),
        ("in_stock", "BOOLEAN", "boolean", True),
        ("attributes", "JSON", "json", False),
        ("created_at", "DATETIME", "timestamp", True),
        ("updated_at", "DATETIME", "timestamp", False),
    ],
    "orders": [
        ("id", "INTEGER", "integer", True),
        ("user_id", "INTEGER", "integer", True),
        ("status", "VARCHAR(20)", "varchar(20)", True),
        ("total", "NUMERIC(12, 2)", "numeric(12,2)", True),
        ("currency", "VARCHAR(3)", "varchar(3)", True),
        ("shipping_address", "TEXT", "text", False),
        ("is_gift", "BOOLEAN", "boolean", True),
        ("placed_at", "DATETIME", "timestamp", True),
        ("shipped_at", "DATETIME", "timestamp", False),
        ("notes", "TEXT", "text", False),
    ],
    "order_items": [
        ("id", "INTEGER", "integer", True),
        ("order_id", "INTEGER", "integer", True),
        ("product_id", "INTEGER", "integer", True),
        ("quantity", "INTEGER", "integer", True),
        ("unit_price", "NUMERIC(12, 2)", "numeric(12,2)", True),
        ("discount", "FLOAT", "double precision", True),
    ],
    "events": [
        ("id", "INTEGER", "integer", True),
        ("user_id", "INTEGER", "integer", False),
        ("event_type", "VARCHAR(50)", "varchar(50)", True),
        ("session_id", "CHAR(12)", "char(12)", True),
        ("ip_address", "VARCHAR(45)", "varchar(45)", False),
        ("user_agent", "VARCHAR(255)", "varchar(255)", False),
        ("payload", "JSON", "json", False),
        ("created_at", "DATETIME", "timestamp", True),
    ],
}

# (table, column, parent table)
FOREIGN_KEYS = [
    ("orders", "user_id", "users"),
    ("order_items", "order_id", "orders"),
    ("order_items", "product_id", "products"),
    ("events", "user_id", "users"),
]
# (index name, table, column, unique)
INDEXES = [
    ("ix_users_email", "users", "email", True),
    ("ix_orders_user_id", "orders", "user_id", False),
    ("ix_order_items_order_id", "order_items", "order_id", False),
    ("ix_events_created_at", "events", "created_at", False),
]


def row_counts(scale):
    return {t: max(1, int(round(n * scale))) for t, n in BASE_ROWS.items()}


def sqlite_ddl():
    out = []
    for table, cols in SCHEMA.items():
        lines = [f"\t{name} {decl}{' NOT NULL' if nn else ''}" for name, decl, _, nn in cols]
        lines.append("\tPRIMARY KEY (id)")
        for t, col, parent in FOREIGN_KEYS:
            if t == table:
                lines.append(f"\tFOREIGN KEY({col}) REFERENCES {parent} (id)")
        out.append(f"CREATE TABLE {table} (\n" + ", \n".join(lines) + "\n)")
    for name, table, col, unique in INDEXES:
        out.append(f"CREATE {'UNIQUE ' if unique else ''}INDEX {name} ON {table} ({col})")
    return out


def pg_tables():
    out = []
    for table, cols in SCHEMA.items():
        lines = [f"  {name} {pgtype}{' NOT NULL' if nn else ''}" for name, _, pgtype, nn in cols]
        out.append(f"CREATE TABLE {table} (\n" + ",\n".join(lines) + "\n);")
    return out


def pg_pkeys():
    return [f"ALTER TABLE {t} ADD PRIMARY KEY (id);" for t in SCHEMA]


def pg_constraints():
    out = [f"CREATE {'UNIQUE ' if u else ''}INDEX {n} ON {t} ({c});" for n, t, c, u in INDEXES]
    out += [f"ALTER TABLE {t} ADD CONSTRAINT fk_{t}_{c} FOREIGN KEY ({c}) REFERENCES {p} (id);"
            for t, c, p in FOREIGN_KEYS]
    return out


def export_sql(table):
    exprs = []
    for name, decl, _, _ in SCHEMA[table]:
        # NULL stays NULL (an unquoted empty CSV field); other BLOBs become bytea hex text.
        exprs.append(f"CASE WHEN {name} IS NULL THEN NULL ELSE '\\x' || hex({name}) END"
                     if decl == "BLOB" else name)
    return f"SELECT {', '.join(exprs)} FROM {table} ORDER BY id"


# ---------------------------------------------------------------------------------------------
# Data

FIRST = ["Ada", "Alan", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances",
         "Edsger", "Radia", "Donald", "Hedy", "John", "Sophie", "Tim", "Zoë", "José", "Søren",
         "Chloé", "Mei", "Yuki", "Ingrid", "Omar", "Priya", "Kwame", "Lucía", "Björn"]
LAST = ["Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie",
        "Allen", "Dijkstra", "Perlman", "Knuth", "Lamarr", "McCarthy", "Wilson", "Berners-Lee",
        "O'Brien", "García", "Müller", "Nakamura", "Østergaard", "Dubois", "Kowalski", "Smith"]
DOMAINS = ["example.com", "mail.test", "inbox.example.org", "corp.example.net"]
WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud "
         "exercitation ullamco laboris nisi aliquip ex ea commodo consequat").split()
ADJ = ["Red", "Blue", "Compact", "Deluxe", "Ergonomic", "Rustic", "Smart", "Wireless", "Organic",
       "Vintage", "Portable", "Heavy-Duty", "Café", "Nordic"]
NOUN = ["Chair", "Lamp", "Keyboard", "Mug", "Backpack", "Desk", "Speaker", "Notebook", "Kettle",
        "Monitor Stand", "Headphones", "Water Bottle", "Blender", "Jacket"]
STATUSES = ["pending", "paid", "shipped", "delivered", "cancelled", "refunded"]
CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CHF"]
EVENT_TYPES = ["page_view", "login", "logout", "add_to_cart", "remove_from_cart", "checkout",
               "search", "signup", "password_reset", "review_posted"]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
          "python-requests/2.31.0", "curl/7.88.1"]
CITIES = ["Springfield", "Zürich", "São Paulo", "Kraków", "Osaka", "Lagos", "Montréal", "Austin"]

EPOCH = datetime.datetime(2019, 1, 1)
SPAN_SECONDS = 5 * 365 * 86400


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def ts(self, after=None, max_seconds=SPAN_SECONDS):
        """SQLAlchemy's DATETIME text; about 1 in 8 has a zero fraction (.000000)."""
        r = self.r
        start = after if after is not None else EPOCH
        micro = 0 if r.random() < 0.125 else r.randrange(1_000_000)
        return start + datetime.timedelta(seconds=r.randrange(max_seconds), microseconds=micro)

    @staticmethod
    def fmt(dt):
        return dt.strftime("%Y-%m-%d %H:%M:%S.%f")

    def words(self, lo, hi):
        return " ".join(self.r.choice(WORDS) for _ in range(self.r.randint(lo, hi)))

    def money(self, lo, hi):
        return round(self.r.uniform(lo, hi), 2)

    def code12(self):
        return "%012X" % self.r.getrandbits(48)


def gen_users(g, n):
    r = g.r
    for i in range(1, n + 1):
        first, last = r.choice(FIRST), r.choice(LAST)
        created = g.ts()
        last_login = None if r.random() < 0.2 else g.ts(after=created, max_seconds=90 * 86400)
        settings = None if r.random() < 0.1 else json.dumps(
            {"theme": r.choice(["light", "dark", "system"]), "newsletter": r.random() < 0.5,
             "locale": r.choice(["en-US", "de-CH", "fr-FR", "ja-JP", "pt-BR"]),
             "notifications": {"email": r.random() < 0.7, "push": r.random() < 0.3}},
            sort_keys=True, ensure_ascii=False)
        bio = None if r.random() < 0.6 else (
            g.words(5, 40) + (', "quoted", and\nmultiline' if r.random() < 0.05 else ""))
        yield (i, f"{first.lower()}.{last.lower()}.{i}@{r.choice(DOMAINS)}",
               f"{first.lower()}{i}", f"{first} {last}", r.randbytes(r.randint(16, 64)),
               g.code12(), r.random() < 0.9, r.random() < 0.01, g.fmt(created),
               None if last_login is None else g.fmt(last_login), settings, bio)


def gen_products(g, n):
    r = g.r
    for i in range(1, n + 1):
        created = g.ts()
        attrs = None if r.random() < 0.15 else json.dumps(
            {"color": r.choice(["red", "blue", "black", "white", "green"]),
             "tags": [r.choice(WORDS) for _ in range(r.randint(0, 4))],
             "dimensions_cm": [r.randint(1, 200) for _ in range(3)]},
            sort_keys=True, ensure_ascii=False)
        yield (i, f"SKU{i:09d}", f"{r.choice(ADJ)} {r.choice(NOUN)} {i}",
               None if r.random() < 0.2 else g.words(10, 60), g.money(0.5, 2500),
               None if r.random() < 0.1 else round(r.uniform(0.05, 40), 3), r.random() < 0.85,
               attrs, g.fmt(created),
               None if r.random() < 0.3 else g.fmt(g.ts(after=created, max_seconds=365 * 86400)))


def gen_orders(g, n, n_users):
    r = g.r
    for i in range(1, n + 1):
        placed = g.ts()
        status = r.choice(STATUSES)
        shipped = (g.fmt(g.ts(after=placed, max_seconds=10 * 86400))
                   if status in ("shipped", "delivered") else None)
        yield (i, r.randint(1, n_users), status, g.money(5, 5000), r.choice(CURRENCIES),
               None if r.random() < 0.05 else
               f"{r.randint(1, 9999)} {r.choice(WORDS).title()} Street\n{r.choice(CITIES)}",
               r.random() < 0.08, g.fmt(placed), shipped,
               None if r.random() < 0.9 else g.words(3, 20))


def gen_order_items(g, n, n_orders, n_products):
    r = g.r
    for i in range(1, n + 1):
        # ~2.5 items per order, in order-id order as an app would insert them
        order_id = min(n_orders, 1 + (i - 1) * n_orders // n)
        yield (i, order_id, r.randint(1, n_products), r.randint(1, 5), g.money(0.5, 2500),
               r.choice((0.0, 0.0, 0.0, 0.05, 0.1, 0.15, 0.25)))


def gen_events(g, n, n_users):
    r = g.r
    for i in range(1, n + 1):
        etype = r.choice(EVENT_TYPES)
        payload = None if r.random() < 0.1 else json.dumps(
            {"path": "/" + "/".join(r.choice(WORDS) for _ in range(r.randint(1, 3))),
             "ref": r.choice([None, "google", "newsletter", "direct"]),
             "ms": r.randint(3, 2500)}, sort_keys=True)
        ip = None if r.random() < 0.05 else (
            "%d.%d.%d.%d" % tuple(r.randrange(256) for _ in range(4)) if r.random() < 0.8 else
            "2001:db8::%x:%x" % (r.getrandbits(16), r.getrandbits(16)))
        yield (i, None if r.random() < 0.15 else r.randint(1, n_users), etype, g.code12(), ip,
               None if r.random() < 0.05 else r.choice(AGENTS), payload, g.fmt(g.ts()))


def generate(out, scale):
    counts = row_counts(scale)
    tmp = out + ".tmp"
    for p in (tmp, tmp + "-journal"):
        if os.path.exists(p):
            os.remove(p)
    con = sqlite3.connect(tmp, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA page_size=4096")
    con.execute("BEGIN")
    for stmt in sqlite_ddl():
        con.execute(stmt)
    gens = {
        "users": gen_users(Gen(SEED + 1), counts["users"]),
        "products": gen_products(Gen(SEED + 2), counts["products"]),
        "orders": gen_orders(Gen(SEED + 3), counts["orders"], counts["users"]),
        "order_items": gen_order_items(Gen(SEED + 4), counts["order_items"], counts["orders"],
                                       counts["products"]),
        "events": gen_events(Gen(SEED + 5), counts["events"], counts["users"]),
    }
    for table, rows in gens.items():
        marks = ", ".join("?" * len(SCHEMA[table]))
        con.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    con.execute("COMMIT")
    con.close()
    os.replace(tmp, out)
    return counts


def main(argv):
    if len(argv) == 2 and argv[1] in ("--pg-tables", "--pg-pkeys", "--pg-constraints", "--tables"):
        lines = {"--pg-tables": pg_tables, "--pg-pkeys": pg_pkeys,
                 "--pg-constraints": pg_constraints, "--tables": lambda: list(SCHEMA)}[argv[1]]()
        print("\n".join(lines))
        return 0
    if len(argv) == 3 and argv[1] == "--export-sql":
        print(export_sql(argv[2]))
        return 0
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        scale = float(argv[2])
    except ValueError:
        print(f"SCALE must be a number, not {argv[2]!r}", file=sys.stderr)
        return 2
    if not scale > 0:
        print("SCALE must be > 0", file=sys.stderr)
        return 2
    counts = generate(os.path.abspath(argv[1]), scale)
    for table, n in counts.items():
        print(f"{table:<12} {n:>10}")
    print(f"{'total':<12} {sum(counts.values()):>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
