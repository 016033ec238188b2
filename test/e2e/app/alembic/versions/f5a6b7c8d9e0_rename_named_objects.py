"""the app's next revision after the move to PostgreSQL: drops and recreates objects by name

Revision ID: f5a6b7c8d9e0
Revises: e1d2c3b4a596
Create Date: 2024-07-01 10:00:00.000000

It only applies if the migrated schema kept the names the SQLite schema gave its index, unique
constraint, check constraint and foreign key.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "f5a6b7c8d9e0"
down_revision = "e1d2c3b4a596"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_market_orders_type_price", table_name="market_orders")
    op.create_index("ix_market_orders_type_id_price", "market_orders", ["type_id", "price"])
    with op.batch_alter_table("market_orders", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        batch_op.drop_constraint("ck_market_orders_price_nonneg", type_="check")
        batch_op.create_check_constraint("ck_market_orders_price_not_negative", "price >= 0")
    with op.batch_alter_table("stations") as batch_op:
        batch_op.drop_constraint("uq_stations_system_name", type_="unique")
        batch_op.create_unique_constraint("uq_stations_solar_system_name", ["solar_system", "name"])
    with op.batch_alter_table("watchlist") as batch_op:
        batch_op.drop_constraint("fk_watchlist_type_id_item_types", type_="foreignkey")
        batch_op.create_foreign_key("fk_watchlist_type_id_item_types", "item_types", ["type_id"], ["id"],
                                    ondelete="CASCADE", onupdate="CASCADE")


def downgrade():
    with op.batch_alter_table("stations") as batch_op:
        batch_op.drop_constraint("uq_stations_solar_system_name", type_="unique")
        batch_op.create_unique_constraint("uq_stations_system_name", ["solar_system", "name"])
    with op.batch_alter_table("market_orders") as batch_op:
        batch_op.drop_constraint("ck_market_orders_price_not_negative", type_="check")
        batch_op.create_check_constraint("ck_market_orders_price_nonneg", "price >= 0")
    op.drop_index("ix_market_orders_type_id_price", table_name="market_orders")
    op.create_index("ix_market_orders_type_price", "market_orders", ["type_id", "price"])
