"""Tables of the audit trail: the entries (append-only) and the chain's head.

``audit_entry`` refuses UPDATE and DELETE by triggers (made by migration 0011); the code has
no path that changes or removes an entry. ``audit_head`` holds the last entry's seq and hash
in one row (id 1): appending locks it (PostgreSQL ``FOR UPDATE``; on SQLite the write
transaction's ``BEGIN IMMEDIATE`` already does), so entries chain one after the other under
racing counters and several server processes.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.store.types import UTCDateTime


class AuditEntry(SQLModel, table=True):
    """One audited action (the fields and the hash: ``server.domain.audit``)."""

    __tablename__ = "audit_entry"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    business_day: date = Field(index=True)
    actor_kind: str = Field(max_length=8)
    actor_id: int | None = None
    actor_name: str = Field(max_length=128, index=True)
    actor_role: str = Field(max_length=32)
    action: str = Field(max_length=32, index=True)
    subject: str = Field(max_length=128)
    details: str = Field(sa_type=sa.Text)  # canonical JSON of an object
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The chain's head: the last entry's seq and hash (one row, id 1; seq 0 when empty)."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(max_length=64)
