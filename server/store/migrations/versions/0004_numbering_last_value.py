"""numbering: the value of the last number given per service and day (numbers skip tickets
still open), and an index on (business_day, number) for the live-number check and call-by-number

Revision ID: 0004_numbering_last_value
Revises: 0003_branch_file_digest
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_numbering_last_value"
down_revision: str | None = "0003_branch_file_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("issuedcounter") as batch:
        batch.add_column(sa.Column("last_value", sa.Integer(), nullable=True))
    # before this revision the number was number_min + (issued - 1) % span
    op.execute(
        "UPDATE issuedcounter SET last_value = (SELECT service.number_min + (issuedcounter.issued"
        " - 1) % (service.number_max - service.number_min + 1) FROM service"
        " WHERE service.code = issuedcounter.service_code) WHERE issued > 0"
    )
    op.create_index("ix_ticket_day_number", "ticket", ["business_day", "number"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ticket_day_number", table_name="ticket")
    with op.batch_alter_table("issuedcounter") as batch:
        batch.drop_column("last_value")
