# Alembic environment of the Hangar Bay test app: the database URL comes from HANGAR_DB_URL;
# SQLite gets render_as_batch=True (ALTERs become table rebuilds), as apps usually configure it.
# Online mode only. Callers may set config.attributes["configure_logger"] = False for quiet runs.
import os
import sys
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from app.models import Base  # noqa: E402  (test/e2e is the import root)

config = context.config
if config.config_file_name and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)

url = os.environ.get("HANGAR_DB_URL")
if not url:
    sys.exit("env.py: set HANGAR_DB_URL to the database URL")

engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
