"""emergency mode: its kind, drill flag and start on the branch state, and the switch log

Revision ID: 0006_emergency
Revises: 0005_counter_action_keys
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0006_emergency"
down_revision: str | None = "0005_counter_action_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("branchstate") as batch:
        batch.add_column(sa.Column("emergency_kind", sa.String(length=16), nullable=True))
        batch.add_column(
            sa.Column("emergency_drill", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("emergency_since", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "emergencyswitch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("drill", sa.Boolean(), nullable=False),
        sa.Column("notice_zh", sa.String(), nullable=True),
        sa.Column("notice_en", sa.String(), nullable=True),
        sa.Column("by_name", sa.String(length=64), nullable=False),
        sa.Column("by_kind", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_emergencyswitch_at", "emergencyswitch", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_emergencyswitch_at", table_name="emergencyswitch")
    op.drop_table("emergencyswitch")
    with op.batch_alter_table("branchstate") as batch:
        batch.drop_column("emergency_since")
        batch.drop_column("emergency_drill")
        batch.drop_column("emergency_kind")
