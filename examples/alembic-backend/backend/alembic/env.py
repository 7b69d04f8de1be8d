"""Alembic environment: the database URL comes from DATABASE_URL, as in the seed's backend."""
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = None


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set")
    # Hosting providers hand out postgres://; SQLAlchemy 1.4+ only knows postgresql://.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    return url


def run_migrations_offline() -> None:
    # `alembic upgrade --sql` prints the SQL without connecting: the dialect is all it needs, so it
    # works without DATABASE_URL too (Migration Chain's lint reads .py revisions this way).
    where = {"url": database_url()} if os.environ.get("DATABASE_URL") else {"dialect_name": "postgresql"}
    context.configure(**where, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
