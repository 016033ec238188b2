"""pilot name: String(50) NULL -> Unicode(64) NOT NULL (a table rebuild on SQLite)

Revision ID: 7c2d9e4f6a13
Revises: 3b8e1f0c2a51
Create Date: 2024-04-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "7c2d9e4f6a13"
down_revision = "3b8e1f0c2a51"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pilots", schema=None) as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(length=50),
                              type_=sa.Unicode(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table("pilots", schema=None) as batch_op:
        batch_op.alter_column("name", existing_type=sa.Unicode(length=64),
                              type_=sa.String(length=50), nullable=True)
