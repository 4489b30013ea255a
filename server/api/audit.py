"""``/audit`` (manager and admin): the audit trail's entries in pages, and its check."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from server.api.context import BranchDep
from server.api.deps import ManagerDep
from server.contract.audit import AuditActorOut, AuditEntryOut, AuditPage, AuditVerification
from server.contract.common import Bilingual
from server.domain.audit import Entry, action_words
from server.services import audit

router = APIRouter(prefix="/audit", tags=["audit"])

PAGE_MAX = 500


def entry_out(e: Entry) -> AuditEntryOut:
    zh, en = action_words(e.action)
    return AuditEntryOut(
        seq=e.seq,
        at=e.at,
        business_day=e.business_day,
        actor=AuditActorOut(kind=e.actor.kind, id=e.actor.id, name=e.actor.name, role=e.actor.role),
        action=e.action,
        action_label=Bilingual(zh=zh, en=en),
        subject=e.subject,
        details=dict(e.details),
        prev_hash=e.prev_hash,
        hash=e.hash,
    )


@router.get("")
def list_audit(
    _: ManagerDep,
    branch: BranchDep,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 100,
    before_seq: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    since: datetime | None = None,
    actor: Annotated[str | None, Query(max_length=128)] = None,
    action: Annotated[str | None, Query(max_length=32)] = None,
) -> AuditPage:
    """Entries newest first: ``since`` (ISO time), ``actor`` (a name), ``action``
    ("ticket.finish", or a group: "ticket"); page back with ``before_seq``."""
    entries = audit.list_entries(
        branch.engine,
        limit=limit,
        before_seq=before_seq,
        since=since,
        actor=actor,
        action=action,
    )
    more = len(entries) == limit and entries[-1].seq > 1
    return AuditPage(
        entries=[entry_out(e) for e in entries],
        next_before_seq=entries[-1].seq if more else None,
    )


@router.get("/verify")
def verify_audit(_: ManagerDep, branch: BranchDep) -> AuditVerification:
    """Check the whole chain: every entry's hash, each link to the entry before, the head."""
    report = audit.verify(branch.engine)
    problem = (
        Bilingual(zh=report.problem_zh or report.problem, en=report.problem)
        if report.problem is not None
        else None
    )
    return AuditVerification(
        intact=report.intact,
        entries=report.entries,
        head_seq=report.head_seq,
        head_hash=report.head_hash,
        broken_seq=report.broken_seq,
        problem=problem,
    )
