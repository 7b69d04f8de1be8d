"""add discovery_query_id to prospects

Idempotent on purpose (seed section 8): databases whose tables were made by create_all may already
have the column and/or the foreign key, and this migration must then succeed unchanged.

Revision ID: 556b79de2825
Revises: add_discovery_query
Create Date: 2024-01-04 00:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "556b79de2825"
down_revision = "add_discovery_query"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    columns = {c["name"] for c in inspector.get_columns("prospects")}
    if "discovery_query_id" not in columns:
        op.add_column("prospects", sa.Column("discovery_query_id", sa.BigInteger, nullable=True))

    # Any foreign key from prospects(discovery_query_id) to discovery_queries counts, whatever its name.
    has_fk = any(
        fk["referred_table"] == "discovery_queries" and fk["constrained_columns"] == ["discovery_query_id"]
        for fk in inspector.get_foreign_keys("prospects")
    )
    if not has_fk:
        op.create_foreign_key(
            "prospects_discovery_query_id_fkey", "prospects", "discovery_queries",
            ["discovery_query_id"], ["id"], ondelete="SET NULL",
        )
    op.execute("CREATE INDEX IF NOT EXISTS prospects_discovery_query_id_idx ON prospects (discovery_query_id)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS prospects_discovery_query_id_idx")
    op.execute("ALTER TABLE prospects DROP CONSTRAINT IF EXISTS prospects_discovery_query_id_fkey")
    op.execute("ALTER TABLE prospects DROP COLUMN IF EXISTS discovery_query_id")
