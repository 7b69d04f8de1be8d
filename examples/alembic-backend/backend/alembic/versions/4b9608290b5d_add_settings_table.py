"""add settings table

Revision ID: 4b9608290b5d
Revises: 000000000000
Create Date: 2024-01-02 00:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "4b9608290b5d"
down_revision = "000000000000"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", postgresql.JSONB, nullable=False, server_default=sa.text("'null'::jsonb")),
        sa.Column("description", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.CheckConstraint("key <> ''", name="settings_key_check"),
    )


def downgrade() -> None:
    op.drop_table("settings")
