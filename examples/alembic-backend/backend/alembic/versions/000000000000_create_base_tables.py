"""create base tables

The three core tables of the prospecting app: background jobs, prospects and the emails sent to them.

Revision ID: 000000000000
Revises:
Create Date: 2024-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "000000000000"
down_revision = None
branch_labels = None
depends_on = None


def timestamps():
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
    ]


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default=sa.text("'pending'")),
        sa.Column("payload", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.Column("error", sa.Text),
        *timestamps(),
        sa.CheckConstraint("status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')", name="jobs_status_check"),
        sa.CheckConstraint("attempts >= 0", name="jobs_attempts_check"),
    )
    op.create_index("jobs_status_run_at_idx", "jobs", ["status", "run_at"])

    op.create_table(
        "prospects",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("company", sa.Text),
        sa.Column("website", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("status", sa.Text, nullable=False, server_default=sa.text("'new'")),
        sa.Column("notes", sa.Text),
        *timestamps(),
        sa.CheckConstraint("email <> ''", name="prospects_email_check"),
        sa.CheckConstraint(
            "status IN ('new', 'contacted', 'replied', 'qualified', 'unqualified', 'bounced', 'unsubscribed')",
            name="prospects_status_check",
        ),
    )
    # One prospect per address, whatever its capitalisation.
    op.create_index("prospects_email_lower_key", "prospects", [sa.text("lower(email)")], unique=True)
    op.create_index("prospects_status_idx", "prospects", ["status"])

    op.create_table(
        "email_logs",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column(
            "prospect_id", sa.BigInteger,
            sa.ForeignKey("prospects.id", ondelete="CASCADE", name="email_logs_prospect_id_fkey"),
            nullable=False,
        ),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text),
        sa.Column("status", sa.Text, nullable=False, server_default=sa.text("'queued'")),
        sa.Column("message_id", sa.Text),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("error", sa.Text),
        *timestamps(),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'delivered', 'opened', 'replied', 'bounced', 'failed')",
            name="email_logs_status_check",
        ),
    )
    op.create_index("email_logs_prospect_id_idx", "email_logs", ["prospect_id"])


def downgrade() -> None:
    op.drop_table("email_logs")
    op.drop_table("prospects")
    op.drop_table("jobs")
