"""The audit trail on the wire: entries (newest first, in pages) and the chain's check.

Each entry carries the hash of the entry before it and its own (SHA-256 over a canonical
JSON of its fields: ``server.domain.audit``). ``GET /api/v1/audit`` lists them for admins;
``GET /api/v1/audit/verify`` checks the whole chain.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from server.contract.common import Bilingual, WireModel


class AuditActorOut(WireModel):
    kind: str  # user, device, cli (an operator at the server machine), system
    id: int | None
    name: str
    role: str


class AuditEntryOut(WireModel):
    seq: int
    at: datetime
    business_day: date
    actor: AuditActorOut
    action: str  # "ticket.finish", "user.create", "emergency.on", ...
    action_label: Bilingual  # "办结" / "finished"
    subject: str  # "ticket:<public id>", "counter:3", "user:bob", "branch", ...
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(WireModel):
    """Entries newest first; ``next_before_seq``: pass it as ``before_seq`` for the page
    before (null: no more)."""

    entries: list[AuditEntryOut]
    next_before_seq: int | None


class AuditVerification(WireModel):
    """Whether the chain is intact; if not, the first broken entry and why."""

    intact: bool
    entries: int  # entries checked and found sound
    head_seq: int  # the last sound entry
    head_hash: str
    broken_seq: int | None = None
    problem: Bilingual | None = None
