# Hangar Bay: SQLAlchemy 1.4 models of a small EVE-Online-style marketplace backend.
# This metadata is the reference schema: Alembic (app/alembic) creates it on SQLite or on
# PostgreSQL, and compare_schema.py checks a database against it. Indexes and foreign keys follow
# a naming convention; primary keys and the plain unique column stay unnamed (database defaults).
import enum

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}
Base = declarative_base(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION))


class ItemCategory(enum.Enum):  # stored by name: 'ship', 'module', ...
    ship = "Ship"
    module = "Module"
    charge = "Charge"
    commodity = "Commodity"
    blueprint = "Blueprint"


# One enum type shared by two tables (one PostgreSQL type, one CHECK per table on SQLite).
ORDER_SIDE = sa.Enum("buy", "sell", name="order_side", create_constraint=True)

watchlist = sa.Table(  # many-to-many pilots <-> item_types, composite primary key
    "watchlist",
    Base.metadata,
    sa.Column("pilot_id", sa.ForeignKey("pilots.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("type_id", sa.ForeignKey("item_types.id", ondelete="CASCADE", onupdate="CASCADE"),
              primary_key=True),
    sa.Column("added_at", sa.DateTime()),
)


class Corporation(Base):
    __tablename__ = "corporations"
    id = sa.Column(sa.Integer, primary_key=True)
    ticker = sa.Column(sa.String(5), nullable=False, index=True)
    name = sa.Column(sa.Unicode(100), nullable=False)
    parent_id = sa.Column(sa.ForeignKey("corporations.id", ondelete="SET NULL"))  # self-reference
    founded = sa.Column(sa.Date)
    description = sa.Column(sa.Text)
    parent = relationship("Corporation", remote_side=[id])


class Pilot(Base):
    __tablename__ = "pilots"
    id = sa.Column(sa.Integer, primary_key=True)
    character_id = sa.Column(sa.BigInteger, nullable=False, unique=True)  # unnamed UNIQUE
    name = sa.Column(sa.Unicode(64), nullable=False)  # was String(50) NULL before revision 2
    corporation_id = sa.Column(sa.ForeignKey("corporations.id", ondelete="SET NULL"), index=True)
    security_status = sa.Column(sa.Float)
    is_active = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())
    birthday = sa.Column(sa.Date)
    created_at = sa.Column(sa.DateTime, nullable=False, server_default=sa.func.now())
    settings = sa.Column(sa.JSON(none_as_null=True))  # Python None -> SQL NULL
    corporation = relationship(Corporation)
    watched_types = relationship("ItemType", secondary=watchlist)


class Station(Base):
    __tablename__ = "stations"
    __table_args__ = (sa.UniqueConstraint("solar_system", "name", name="uq_stations_solar_system_name"),)  # revision 5
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(100), nullable=False)
    solar_system = sa.Column(sa.String, nullable=False)  # VARCHAR without length
    owner_id = sa.Column(sa.ForeignKey("corporations.id", ondelete="SET NULL"))
    downtime = sa.Column(sa.Time)
    owner = relationship(Corporation)


class ItemType(Base):
    __tablename__ = "item_types"
    id = sa.Column(sa.Integer, primary_key=True)  # EVE type ids, given explicitly
    name = sa.Column(sa.String(200), nullable=False, unique=True, index=True)  # unique index
    group_name = sa.Column(sa.String)
    category = sa.Column(sa.Enum(ItemCategory, name="item_category", create_constraint=True),
                         nullable=False)
    volume = sa.Column(sa.Float)
    icon = sa.Column(sa.LargeBinary)
    description = sa.Column(sa.Text)
    attributes = sa.Column(sa.JSON(none_as_null=False))  # Python None -> JSON 'null'
    published = sa.Column(sa.Boolean, nullable=False, server_default=sa.true())  # revision 3


class MarketOrder(Base):
    __tablename__ = "market_orders"
    __table_args__ = (
        sa.CheckConstraint("price >= 0", name="ck_market_orders_price_not_negative"),  # revision 5
        sa.Index("ix_market_orders_type_id_price", "type_id", "price"),  # revision 5
        {"sqlite_autoincrement": True},
    )
    id = sa.Column(sa.Integer, primary_key=True)
    pilot_id = sa.Column(sa.ForeignKey("pilots.id", ondelete="CASCADE"), nullable=False, index=True)
    station_id = sa.Column(sa.ForeignKey("stations.id"), nullable=False)
    type_id = sa.Column(sa.ForeignKey("item_types.id", onupdate="CASCADE"), nullable=False)
    side = sa.Column(ORDER_SIDE, nullable=False)
    state = sa.Column(sa.Enum("open", "closed", "expired", "cancelled", name="order_state",
                              create_constraint=True), nullable=False, server_default="open")
    price = sa.Column(sa.Numeric(12, 2), nullable=False)
    volume_total = sa.Column(sa.Integer, nullable=False)
    volume_remain = sa.Column(sa.Integer)
    min_volume = sa.Column(sa.SmallInteger, nullable=False, server_default=sa.text("1"))
    duration_days = sa.Column(sa.SmallInteger)
    escrow = sa.Column(sa.BigInteger)
    issued_at = sa.Column(sa.DateTime, nullable=False)
    pilot = relationship(Pilot)
    station = relationship(Station)
    item_type = relationship(ItemType)


class Transaction(Base):
    __tablename__ = "transactions"
    id = sa.Column(sa.Integer, primary_key=True)
    order_id = sa.Column(sa.ForeignKey("market_orders.id", ondelete="CASCADE", deferrable=True,
                                       initially="DEFERRED"), nullable=False)
    buyer_id = sa.Column(sa.ForeignKey("pilots.id", ondelete="SET NULL"))
    side = sa.Column(ORDER_SIDE, nullable=False)
    quantity = sa.Column(sa.Integer, nullable=False)
    unit_price = sa.Column(sa.Numeric(12, 2), nullable=False)
    executed_at = sa.Column(sa.DateTime, nullable=False)
    order = relationship(MarketOrder)
    buyer = relationship(Pilot)
