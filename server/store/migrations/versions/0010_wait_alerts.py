"""wait alerts: raised when a service's wait passes its target, acknowledged, cleared

Revision ID: 0010_wait_alerts
Revises: 0009_call_heads
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0010_wait_alerts"
down_revision: str | None = "0009_call_heads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "waitalert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("service_code", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("value_s", sa.Integer(), nullable=False),
        sa.Column("limit_s", sa.Integer(), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("suggestion", sa.String(length=16), nullable=False),
        sa.Column("suggested_counter", sa.Integer(), nullable=True),
        sa.Column("helpers", sa.JSON(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_waitalert_state", "waitalert", ["state", "service_code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_waitalert_state", table_name="waitalert")
    op.drop_table("waitalert")
