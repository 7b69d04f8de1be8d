"""Alembic environment: the database URL comes from DATABASE_URL, as in the seed's backend."""
import os
from importlib.util import find_spec
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

# The app's models: `alembic revision --autogenerate` and `alembic check` compare them with the database.
from app.models import Base  # noqa: E402  (prepend_sys_path = . puts backend/ on sys.path)

target_metadata = Base.metadata


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set")
    # Hosting providers hand out postgres://; SQLAlchemy 1.4+ only knows postgresql://.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    # SQLAlchemy 2.1 reads postgresql:// as psycopg (3); a venv with only psycopg2 names it.
    if url.startswith("postgresql://") and find_spec("psycopg") is None and find_spec("psycopg2") is not None:
        url = "postgresql+psycopg2://" + url[len("postgresql://"):]
    return url


def include_object(obj, name, type_, reflected, compare_to):
    # Migration Chain's audit log is bookkeeping like alembic_version: no model has it, none should drop it.
    return not (type_ == "table" and name == "migration_chain_log")


def run_migrations_offline() -> None:
    # `alembic upgrade --sql` prints the SQL without connecting: the dialect is all it needs, so it
    # works without DATABASE_URL too (Migration Chain's lint reads .py revisions this way).
    where = {"url": database_url()} if os.environ.get("DATABASE_URL") else {"dialect_name": "postgresql"}
    context.configure(**where, target_metadata=target_metadata, include_object=include_object, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, include_object=include_object)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
