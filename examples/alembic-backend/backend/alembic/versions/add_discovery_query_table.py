"""add discovery_queries table

Revision ID: add_discovery_query
Revises: 4b9608290b5d
Create Date: 2024-01-03 00:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "add_discovery_query"
down_revision = "4b9608290b5d"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discovery_queries",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=sa.text("'manual'")),
        sa.Column("status", sa.Text, nullable=False, server_default=sa.text("'pending'")),
        sa.Column("result_count", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("last_run_at", sa.DateTime(timezone=True)),
        sa.Column("error", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.CheckConstraint("query <> ''", name="discovery_queries_query_check"),
        sa.CheckConstraint("status IN ('pending', 'running', 'completed', 'failed')", name="discovery_queries_status_check"),
        sa.CheckConstraint("result_count >= 0", name="discovery_queries_result_count_check"),
    )
    op.create_index("discovery_queries_status_idx", "discovery_queries", ["status"])


def downgrade() -> None:
    op.drop_table("discovery_queries")
