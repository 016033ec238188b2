"""item_types.published (plain ALTER TABLE ADD COLUMN, also on SQLite)

Revision ID: a4f5b6c7d8e9
Revises: 7c2d9e4f6a13
Create Date: 2024-05-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "a4f5b6c7d8e9"
down_revision = "7c2d9e4f6a13"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("item_types", sa.Column("published", sa.Boolean(), server_default=sa.true(),
                                          nullable=False))


def downgrade():
    with op.batch_alter_table("item_types", schema=None) as batch_op:
        batch_op.drop_column("published")
