"""counter action keys: idempotency keys of teller actions and their stored answers

Revision ID: 0005_counter_action_keys
Revises: 0004_numbering_last_value
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_counter_action_keys"
down_revision: str | None = "0004_numbering_last_value"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "counteractionkey",
        sa.Column("counter_number", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("request", sa.String(length=2000), nullable=False),
        sa.Column("result", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("counter_number", "key"),
    )
    op.create_index(
        "ix_counteractionkey_created_at", "counteractionkey", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_counteractionkey_created_at", table_name="counteractionkey")
    op.drop_table("counteractionkey")
