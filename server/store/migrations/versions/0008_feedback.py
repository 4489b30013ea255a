"""satisfaction ratings and complaints

Revision ID: 0008_feedback
Revises: 0007_appointments
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_feedback"
down_revision: str | None = "0007_appointments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, *, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("ticket_number", sa.String(length=12), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("service_code", sa.String(length=8), nullable=False),
        sa.Column("counter_number", sa.Integer(), nullable=True),
        sa.Column("teller_user_id", sa.Integer(), nullable=True),
        sa.Column("teller_name", sa.String(length=128), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        _at("at", nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id"),
    )
    op.create_index("ix_rating_business_day", "rating", ["business_day"])
    op.create_index("ix_rating_teller_user_id", "rating", ["teller_user_id"])
    op.create_index("ix_rating_at", "rating", ["at"])
    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        _at("opened_at", nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("phone", sa.String(length=24), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("ticket_number", sa.String(length=12), nullable=True),
        sa.Column("service_code", sa.String(length=8), nullable=True),
        sa.Column("counter_number", sa.Integer(), nullable=True),
        sa.Column("teller_user_id", sa.Integer(), nullable=True),
        sa.Column("teller_name", sa.String(length=128), nullable=True),
        sa.Column("rating_score", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        _at("taken_at"),
        _at("due_at", nullable=False),
        _at("resolved_at"),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.Column("resolution_note", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id"),
    )
    op.create_index("ix_complaint_opened_at", "complaint", ["opened_at"])
    op.create_index("ix_complaint_business_day", "complaint", ["business_day"])
    op.create_index("ix_complaint_resolved_at", "complaint", ["resolved_at"])
    op.create_index("ix_complaint_state_due", "complaint", ["state", "due_at"])


def downgrade() -> None:
    op.drop_table("complaint")
    op.drop_table("rating")
