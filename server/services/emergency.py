"""Emergency mode and service pause: switch the branch on and off, read its state and log.

``switch_on`` stores the notice, kind and drill flag on the branch state and logs the switch in
one write transaction, then publishes ``EmergencyChanged``. Issuing reads the same row inside
its own write transaction (``issue_batch``), so a ticket asked for after ``switch_on`` returns
is refused (``BranchEmergency`` / ``BranchPaused``); tickets already waiting stay and can be
called. ``switch_off`` clears the row: issuing works again at once.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from server.auth.principal import Principal
from server.contract.common import Bilingual
from server.contract.emergency import (
    EmergencyKind,
    EmergencyOn,
    EmergencyStatus,
    EmergencySwitchOut,
)
from server.contract.events import EmergencyChanged
from server.domain.audit import AuditAction
from server.services import audit
from server.services.errors import BranchEmergency, BranchPaused, BranchStopped
from server.services.unit import Unit, reads, writes
from server.store import repo
from server.store.tables import BranchState, EmergencySwitch

LOG_LIMIT_MAX = 500


def stop_error(kind: str, notice_zh: str, notice_en: str) -> BranchStopped:
    """The refusal of a ticket while the branch is stopped with this kind and notice."""
    cls = BranchPaused if kind == EmergencyKind.PAUSE.value else BranchEmergency
    return cls(notice_zh=notice_zh, notice_en=notice_en)


def status_of(session: Session, state: BranchState | None) -> EmergencyStatus:
    if state is None or state.emergency_kind is None:
        return EmergencyStatus(active=False)
    return EmergencyStatus(
        active=True,
        kind=EmergencyKind(state.emergency_kind),
        notice=Bilingual(zh=state.emergency_zh or "", en=state.emergency_en or ""),
        drill=state.emergency_drill,
        since=state.emergency_since,
        by=_last_switch_by(session),
    )


def _last_switch_by(session: Session) -> str | None:
    row = session.exec(
        select(EmergencySwitch).order_by(col(EmergencySwitch.id).desc()).limit(1)
    ).first()
    return row.by_name if row is not None and row.action == "on" else None


@reads
def status(uow: Unit) -> EmergencyStatus:
    return status_of(uow.session, repo.branch_state(uow.session))


@writes
def switch_on(uow: Unit, body: EmergencyOn, *, by: Principal) -> EmergencyStatus:
    """Stop issuing with ``body.notice`` (or change the notice, kind or drill flag while
    stopped); logged with who and when, and audited; every screen is told."""
    session = uow.session
    now = uow.ctx.now()
    state = _state_for_update(session)
    if state.emergency_kind is None:
        state.emergency_since = now
    state.emergency_kind = body.kind.value
    state.emergency_zh, state.emergency_en = body.notice.zh, body.notice.en
    state.emergency_drill = body.drill
    session.add(state)
    session.add(
        EmergencySwitch(
            at=now,
            action="on",
            kind=body.kind.value,
            drill=body.drill,
            notice_zh=body.notice.zh,
            notice_en=body.notice.en,
            by_name=by.name,
            by_kind=by.kind,
        )
    )
    audit.record(
        session,
        audit.acting(by, now, uow.ctx.business_day(now)),
        AuditAction.EMERGENCY_ON,
        "branch",
        {
            "kind": body.kind.value,
            "drill": body.drill,
            "notice_zh": body.notice.zh,
            "notice_en": body.notice.en,
        },
    )
    session.flush()
    out = status_of(session, state)
    uow.publish(EmergencyChanged(seq=0, at=now, notice=body.notice))
    return out


@writes
def switch_off(uow: Unit, *, by: Principal) -> EmergencyStatus:
    """Resume issuing. Already off: nothing to switch, nothing logged or published."""
    session = uow.session
    now = uow.ctx.now()
    state = _state_for_update(session)
    if state.emergency_kind is None:
        return EmergencyStatus(active=False)
    session.add(
        EmergencySwitch(
            at=now,
            action="off",
            kind=state.emergency_kind,
            drill=state.emergency_drill,
            by_name=by.name,
            by_kind=by.kind,
        )
    )
    audit.record(
        session,
        audit.acting(by, now, uow.ctx.business_day(now)),
        AuditAction.EMERGENCY_OFF,
        "branch",
        {"kind": state.emergency_kind, "drill": state.emergency_drill},
    )
    state.emergency_kind = state.emergency_zh = state.emergency_en = None
    state.emergency_since = None
    state.emergency_drill = False
    session.add(state)
    uow.publish(EmergencyChanged(seq=0, at=now, notice=None))
    return EmergencyStatus(active=False)


@reads
def switch_log(uow: Unit, *, limit: int = 100) -> list[EmergencySwitchOut]:
    """The switches, newest first."""
    limit = max(1, min(limit, LOG_LIMIT_MAX))
    session = uow.session
    rows = session.exec(
        select(EmergencySwitch).order_by(col(EmergencySwitch.id).desc()).limit(limit)
    ).all()
    return [
        EmergencySwitchOut(
            at=r.at,
            action="on" if r.action == "on" else "off",
            kind=EmergencyKind(r.kind),
            drill=r.drill,
            notice=(
                Bilingual(zh=r.notice_zh, en=r.notice_en)
                if r.notice_zh is not None and r.notice_en is not None
                else None
            ),
            by=r.by_name,
        )
        for r in rows
    ]


def _state_for_update(session: Session) -> BranchState:
    state = repo.branch_state(session, for_update=True)
    if state is None:  # made by sync_branch at startup; a bare database may lack it
        state = BranchState(id=1)
    return state
