"""appointments: each bookable service's schedule, and the bookings

Revision ID: 0007_appointments
Revises: 0006_emergency
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0007_appointments"
down_revision: str | None = "0006_emergency"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "appointmentschedule",
        sa.Column("service_code", sa.String(length=8), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("slot_min", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("days_ahead", sa.Integer(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("closed_dates", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("service_code"),
    )
    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("service_code", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slot_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("slot_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("contact", sa.String(length=24), nullable=False),
        sa.Column("language", sa.String(length=4), nullable=False),
        sa.Column("booked_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ticket_number", sa.String(length=12), nullable=True),
        sa.Column("ticket_public_id", sa.String(length=32), nullable=True),
        sa.Column("checkin_key", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("token_sha256"),
    )
    op.create_index(
        "ix_appointment_slot", "appointment", ["service_code", "slot_start", "state"], unique=False
    )
    op.create_index("ix_appointment_day_state", "appointment", ["day", "state"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_appointment_day_state", table_name="appointment")
    op.drop_index("ix_appointment_slot", table_name="appointment")
    op.drop_table("appointment")
    op.drop_table("appointmentschedule")
