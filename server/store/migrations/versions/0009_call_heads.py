"""call-next by group heads: the head index replaces the queue index; appointment and call
partial indexes

Revision ID: 0009_call_heads
Revises: 0008_feedback
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0009_call_heads"
down_revision: str | None = "0008_feedback"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GROUP = ["business_day", "state", "service_code", "category", "target_counter"]
_HAS_APPOINTMENT = sa.text("appointment_at IS NOT NULL")
_IS_CALL = sa.text("action = 'call'")


def upgrade() -> None:
    op.create_index("ix_ticket_call_head", "ticket", [*_GROUP, "arrived_at", "id"], unique=False)
    op.create_index(
        "ix_ticket_appointment_head",
        "ticket",
        [*_GROUP, "appointment_at"],
        unique=False,
        sqlite_where=_HAS_APPOINTMENT,
        postgresql_where=_HAS_APPOINTMENT,
    )
    op.drop_index("ix_ticket_queue", table_name="ticket")
    op.create_index(
        "ix_ticketevent_calls",
        "ticketevent",
        ["id"],
        unique=False,
        sqlite_where=_IS_CALL,
        postgresql_where=_IS_CALL,
    )


def downgrade() -> None:
    op.drop_index("ix_ticketevent_calls", table_name="ticketevent")
    op.create_index(
        "ix_ticket_queue", "ticket", ["business_day", "state", "service_code"], unique=False
    )
    op.drop_index("ix_ticket_appointment_head", table_name="ticket")
    op.drop_index("ix_ticket_call_head", table_name="ticket")
