"""initial schema

Revision ID: 3b8e1f0c2a51
Revises:
Create Date: 2024-03-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "3b8e1f0c2a51"
down_revision = None
branch_labels = None
depends_on = None

ORDER_SIDE = sa.Enum("buy", "sell", name="order_side", create_constraint=True)


def upgrade():
    op.create_table(
        "corporations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticker", sa.String(length=5), nullable=False),
        sa.Column("name", sa.Unicode(length=100), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("founded", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["corporations.id"],
                                name=op.f("fk_corporations_parent_id_corporations"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_corporations_ticker"), "corporations", ["ticker"], unique=False)
    op.create_table(
        "pilots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("character_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=True),  # tightened in revision 2
        sa.Column("corporation_id", sa.Integer(), nullable=True),
        sa.Column("security_status", sa.Float(), nullable=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["corporation_id"], ["corporations.id"],
                                name=op.f("fk_pilots_corporation_id_corporations"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("character_id"),
    )
    op.create_index(op.f("ix_pilots_corporation_id"), "pilots", ["corporation_id"], unique=False)
    op.create_table(
        "stations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("solar_system", sa.String(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("downtime", sa.Time(), nullable=True),
        sa.ForeignKeyConstraint(["owner_id"], ["corporations.id"],
                                name=op.f("fk_stations_owner_id_corporations"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "item_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("group_name", sa.String(), nullable=True),
        sa.Column("category", sa.Enum("ship", "module", "charge", "commodity", "blueprint",
                                      name="item_category", create_constraint=True),
                  nullable=False),
        sa.Column("volume", sa.Float(), nullable=True),
        sa.Column("icon", sa.LargeBinary(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_item_types_name"), "item_types", ["name"], unique=True)
    op.create_table(
        "market_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("side", ORDER_SIDE, nullable=False),
        sa.Column("state", sa.Enum("open", "closed", "expired", "cancelled", name="order_state",
                                   create_constraint=True),
                  server_default="open", nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("volume_total", sa.Integer(), nullable=False),
        sa.Column("volume_remain", sa.Integer(), nullable=True),
        sa.Column("min_volume", sa.SmallInteger(), server_default=sa.text("1"), nullable=False),
        sa.Column("duration_days", sa.SmallInteger(), nullable=True),
        sa.Column("escrow", sa.BigInteger(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("price >= 0", name=op.f("ck_market_orders_price_nonneg")),
        sa.ForeignKeyConstraint(["pilot_id"], ["pilots.id"],
                                name=op.f("fk_market_orders_pilot_id_pilots"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"],
                                name=op.f("fk_market_orders_station_id_stations")),
        sa.ForeignKeyConstraint(["type_id"], ["item_types.id"],
                                name=op.f("fk_market_orders_type_id_item_types"),
                                onupdate="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_market_orders_pilot_id"), "market_orders", ["pilot_id"],
                    unique=False)
    op.create_table(
        "transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("side", ORDER_SIDE, nullable=False),  # the enum type already exists
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("executed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["buyer_id"], ["pilots.id"],
                                name=op.f("fk_transactions_buyer_id_pilots"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["order_id"], ["market_orders.id"],
                                name=op.f("fk_transactions_order_id_market_orders"),
                                ondelete="CASCADE", deferrable=True, initially="DEFERRED"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "watchlist",
        sa.Column("pilot_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["pilot_id"], ["pilots.id"],
                                name=op.f("fk_watchlist_pilot_id_pilots"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["type_id"], ["item_types.id"],
                                name=op.f("fk_watchlist_type_id_item_types"),
                                ondelete="CASCADE", onupdate="CASCADE"),
        sa.PrimaryKeyConstraint("pilot_id", "type_id"),
    )


def downgrade():
    op.drop_table("watchlist")
    op.drop_table("transactions")
    op.drop_index(op.f("ix_market_orders_pilot_id"), table_name="market_orders")
    op.drop_table("market_orders")
    op.drop_index(op.f("ix_item_types_name"), table_name="item_types")
    op.drop_table("item_types")
    op.drop_table("stations")
    op.drop_index(op.f("ix_pilots_corporation_id"), table_name="pilots")
    op.drop_table("pilots")
    op.drop_index(op.f("ix_corporations_ticker"), table_name="corporations")
    op.drop_table("corporations")
    for name in ("order_side", "order_state", "item_category"):  # PostgreSQL enum types
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
