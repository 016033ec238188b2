"""named two-column index on market_orders, named unique constraint on stations

Revision ID: e1d2c3b4a596
Revises: a4f5b6c7d8e9
Create Date: 2024-06-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa  # noqa: F401

# revision identifiers, used by Alembic.
revision = "e1d2c3b4a596"
down_revision = "a4f5b6c7d8e9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_market_orders_type_price", "market_orders", ["type_id", "price"],
                    unique=False)
    with op.batch_alter_table("stations", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_stations_system_name", ["solar_system", "name"])


def downgrade():
    with op.batch_alter_table("stations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_stations_system_name", type_="unique")
    op.drop_index("ix_market_orders_type_price", table_name="market_orders")
