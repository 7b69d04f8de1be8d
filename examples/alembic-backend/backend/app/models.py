"""The SQLAlchemy models of the prospecting app: the schema the revisions in alembic/versions build.

env.py gives their metadata to Alembic (`target_metadata`), so `alembic revision --autogenerate`
writes the next revision from a change made here and `alembic check` (Alembic 1.9+) fails while a
change has no revision yet. Written for SQLAlchemy 1.4 and 2.x alike (Column style, no Mapped[]).
"""
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import declarative_base

Base = declarative_base()


def created_at():
    return sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()"))


def updated_at():
    return sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()"))


class Job(Base):
    __tablename__ = "jobs"
    id = sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True)
    type = sa.Column(sa.Text, nullable=False)
    status = sa.Column(sa.Text, nullable=False, server_default=sa.text("'pending'"))
    payload = sa.Column(postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb"))
    attempts = sa.Column(sa.Integer, nullable=False, server_default=sa.text("0"))
    run_at = sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()"))
    error = sa.Column(sa.Text)
    created_at = created_at()
    updated_at = updated_at()
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')", name="jobs_status_check"),
        sa.CheckConstraint("attempts >= 0", name="jobs_attempts_check"),
        sa.Index("jobs_status_run_at_idx", "status", "run_at"),
    )


class DiscoveryQuery(Base):
    __tablename__ = "discovery_queries"
    id = sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True)
    query = sa.Column(sa.Text, nullable=False)
    source = sa.Column(sa.Text, nullable=False, server_default=sa.text("'manual'"))
    status = sa.Column(sa.Text, nullable=False, server_default=sa.text("'pending'"))
    result_count = sa.Column(sa.Integer, nullable=False, server_default=sa.text("0"))
    last_run_at = sa.Column(sa.DateTime(timezone=True))
    error = sa.Column(sa.Text)
    created_at = created_at()
    updated_at = updated_at()
    __table_args__ = (
        sa.CheckConstraint("query <> ''", name="discovery_queries_query_check"),
        sa.CheckConstraint("status IN ('pending', 'running', 'completed', 'failed')", name="discovery_queries_status_check"),
        sa.CheckConstraint("result_count >= 0", name="discovery_queries_result_count_check"),
        sa.Index("discovery_queries_status_idx", "status"),
    )


class Prospect(Base):
    __tablename__ = "prospects"
    id = sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True)
    email = sa.Column(sa.Text, nullable=False)
    name = sa.Column(sa.Text)
    company = sa.Column(sa.Text)
    website = sa.Column(sa.Text)
    source = sa.Column(sa.Text)
    status = sa.Column(sa.Text, nullable=False, server_default=sa.text("'new'"))
    notes = sa.Column(sa.Text)
    created_at = created_at()
    updated_at = updated_at()
    discovery_query_id = sa.Column(
        sa.BigInteger, sa.ForeignKey("discovery_queries.id", ondelete="SET NULL", name="prospects_discovery_query_id_fkey"),
    )
    __table_args__ = (
        sa.CheckConstraint("email <> ''", name="prospects_email_check"),
        sa.CheckConstraint(
            "status IN ('new', 'contacted', 'replied', 'qualified', 'unqualified', 'bounced', 'unsubscribed')",
            name="prospects_status_check",
        ),
        # One prospect per address, whatever its capitalisation.
        sa.Index("prospects_email_lower_key", sa.text("lower(email)"), unique=True),
        sa.Index("prospects_status_idx", "status"),
        sa.Index("prospects_discovery_query_id_idx", "discovery_query_id"),
    )


class EmailLog(Base):
    __tablename__ = "email_logs"
    id = sa.Column(sa.BigInteger, sa.Identity(always=True), primary_key=True)
    prospect_id = sa.Column(
        sa.BigInteger, sa.ForeignKey("prospects.id", ondelete="CASCADE", name="email_logs_prospect_id_fkey"), nullable=False,
    )
    subject = sa.Column(sa.Text, nullable=False)
    body = sa.Column(sa.Text)
    status = sa.Column(sa.Text, nullable=False, server_default=sa.text("'queued'"))
    message_id = sa.Column(sa.Text)
    sent_at = sa.Column(sa.DateTime(timezone=True))
    error = sa.Column(sa.Text)
    created_at = created_at()
    updated_at = updated_at()
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'delivered', 'opened', 'replied', 'bounced', 'failed')",
            name="email_logs_status_check",
        ),
        sa.Index("email_logs_prospect_id_idx", "prospect_id"),
    )


class Setting(Base):
    __tablename__ = "settings"
    key = sa.Column(sa.Text, primary_key=True)
    value = sa.Column(postgresql.JSONB, nullable=False, server_default=sa.text("'null'::jsonb"))
    description = sa.Column(sa.Text)
    created_at = created_at()
    updated_at = updated_at()
    __table_args__ = (sa.CheckConstraint("key <> ''", name="settings_key_check"),)
