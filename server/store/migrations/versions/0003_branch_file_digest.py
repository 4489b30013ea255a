"""branch state: digest of the branch definition last applied from the branch file

Revision ID: 0003_branch_file_digest
Revises: 0002_auth_devices
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_branch_file_digest"
down_revision: str | None = "0002_auth_devices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("branchstate") as batch:
        batch.add_column(sa.Column("branch_file_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("branchstate") as batch:
        batch.drop_column("branch_file_digest")
