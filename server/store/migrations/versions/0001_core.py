"""core tables: services, counters, skills, categories, tickets, ticket events, numbering,
service statistics, branch state

Revision ID: 0001_core
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_core"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "branchstate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=True),
        sa.Column("emergency_zh", sa.String(), nullable=True),
        sa.Column("emergency_en", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "categoryweight",
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("name_zh", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("category"),
    )
    op.create_table(
        "counter",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("teller_user_id", sa.Integer(), nullable=True),
        sa.Column("teller_name", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("number"),
    )
    op.create_table(
        "counterskill",
        sa.Column("counter_number", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=8), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("counter_number", "service_code"),
    )
    op.create_table(
        "issuedcounter",
        sa.Column("service_code", sa.String(length=8), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("service_code", "business_day"),
    )
    op.create_table(
        "service",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("prefix", sa.String(length=1), nullable=False),
        sa.Column("name_zh", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("number_min", sa.Integer(), nullable=False),
        sa.Column("number_max", sa.Integer(), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=True),
        sa.Column("target_wait_s", sa.Integer(), nullable=False),
        sa.Column("default_service_s", sa.Integer(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "servicestats",
        sa.Column("service_code", sa.String(length=8), nullable=False),
        sa.Column("avg_service_s", sa.Float(), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("service_code"),
    )
    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("service_code", sa.String(length=8), nullable=False),
        sa.Column("number", sa.String(length=12), nullable=False),
        sa.Column("number_value", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=4), nullable=False),
        sa.Column("counter_number", sa.Integer(), nullable=True),
        sa.Column("target_counter", sa.Integer(), nullable=True),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("appointment_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recall_count", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=True),
        sa.Column("print_status", sa.String(length=16), nullable=False),
        sa.Column("print_error", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key"),
        sa.UniqueConstraint("public_id"),
    )
    op.create_index("ix_ticket_counter_state", "ticket", ["counter_number", "state"], unique=False)
    op.create_index(
        "ix_ticket_queue", "ticket", ["business_day", "state", "service_code"], unique=False
    )
    op.create_table(
        "ticketevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("counter_number", sa.Integer(), nullable=True),
        sa.Column("teller_user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_ticketevent_at"), "ticketevent", ["at"], unique=False)
    op.create_index(op.f("ix_ticketevent_ticket_id"), "ticketevent", ["ticket_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ticketevent_ticket_id", table_name="ticketevent")
    op.drop_index("ix_ticketevent_at", table_name="ticketevent")
    op.drop_table("ticketevent")
    op.drop_index("ix_ticket_queue", table_name="ticket")
    op.drop_index("ix_ticket_counter_state", table_name="ticket")
    for name in (
        "ticket",
        "servicestats",
        "service",
        "issuedcounter",
        "counterskill",
        "counter",
        "categoryweight",
        "branchstate",
    ):
        op.drop_table(name)
