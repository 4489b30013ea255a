"""call-next reads the tickets transferred to a counter whole: their partial index

Revision ID: 0012_transferred_index
Revises: 0011_audit_trail
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_transferred_index"
down_revision: str | None = "0011_audit_trail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRANSFERRED = sa.text("target_counter IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_ticket_transferred",
        "ticket",
        ["target_counter", "business_day", "state"],
        unique=False,
        sqlite_where=_TRANSFERRED,
        postgresql_where=_TRANSFERRED,
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_transferred", table_name="ticket")
