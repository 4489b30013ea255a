"""Wait alerts: raise and clear them from the floor's figures, and acknowledge them.

``check_alerts`` reads the floor, asks the staffing rules (``server.domain.staffing``) which
alerts should be active given those that are (hysteresis), stores the new ones and clears the
ones whose wait fell back, in one write transaction, then publishes ``AlertRaised`` /
``AlertCleared``; an alert that stays active while its suggestion changed (the suggested
counter was opened, say) is sent again as ``AlertRaised`` with the same id. It is a periodic
job that also runs soon after the events in ``TRIGGERS`` (``server.services.jobs``).
``acknowledge_alert`` records who acknowledged an active alert and when (``AlertAcknowledged``).
"""

from __future__ import annotations

import threading

from server.contract.alerts import AlertInfo
from server.contract.events import (
    AlertAcknowledged,
    AlertCleared,
    AlertRaised,
    CounterChanged,
    Event,
    QueuesChanged,
    TicketCalled,
    TicketChanged,
    TicketIssued,
    TicketTransferred,
)
from server.domain.audit import Acting, AuditAction
from server.domain.staffing import ACTIVE_ALERT_STATES, AlertKind, AlertState, Breach, breaches
from server.services import audit
from server.services.alert_views import alert_info
from server.services.context import BranchContext
from server.services.errors import ActionRefused
from server.services.floor import read_floor
from server.services.names import Names
from server.services.unit import Unit, writes
from server.store import alerts
from server.store.alert_tables import WaitAlert

# the events after which the wait alerts are checked again soon (a queue or a counter moved)
TRIGGERS: tuple[type[Event], ...] = (
    TicketIssued,
    TicketCalled,
    TicketChanged,
    TicketTransferred,
    QueuesChanged,
    CounterChanged,
)

# one check at a time per process: two overlapping checks would raise the same alert twice
_checking = threading.Lock()


def check_alerts(ctx: BranchContext) -> list[Event]:
    """Raise and clear alerts as the floor is now; returns the events published."""
    with _checking:
        with ctx.reading() as uow:
            floor = read_floor(uow.session, ctx)
            active = alerts.active_alerts(uow.session)
        wanted = breaches(
            floor.queue_loads(),
            floor.counter_loads(),
            max_wait_s=ctx.config.policy.max_wait_s,
            active=[(a.service_code, a.kind) for a in active],
        )
        have = {(a.service_code, a.kind) for a in active}
        want = {(b.service_code, b.kind): b for b in wanted}
        stale = {(a.service_code, a.kind) for a in active if _stale(a, want)}
        if have == set(want) and not stale:
            return []
        waiting = {q.service_code: q.waiting for q in floor.queues}
        events: list[Event] = []
        with ctx.writing() as uow:
            session = uow.session
            names = Names(session)
            for row in alerts.active_alerts(session):
                key = (row.service_code, row.kind)
                if key not in want:
                    row.state = AlertState.CLEARED
                    row.cleared_at = floor.now
                    session.add(row)
                    session.flush()
                    info = alert_info(row, names)
                    events.append(AlertCleared(seq=0, at=floor.now, alert=info))
                elif key in stale:  # still active, but another counter is the one to ask now
                    breach = want[key]
                    row.suggestion = breach.suggestion.kind
                    row.suggested_counter = breach.suggestion.counter_number
                    row.helpers = list(breach.helpers)
                    session.add(row)
                    session.flush()
                    info = alert_info(row, names)
                    events.append(AlertRaised(seq=0, at=floor.now, alert=info))
            for breach in wanted:
                if (breach.service_code, breach.kind) in have:
                    continue
                row = WaitAlert(
                    business_day=floor.day,
                    service_code=breach.service_code,
                    kind=breach.kind,
                    state=AlertState.OPEN,
                    value_s=breach.value_s,
                    limit_s=breach.limit_s,
                    waiting=waiting.get(breach.service_code, 0),
                    suggestion=breach.suggestion.kind,
                    suggested_counter=breach.suggestion.counter_number,
                    helpers=list(breach.helpers),
                    raised_at=floor.now,
                )
                session.add(row)
                session.flush()
                events.append(AlertRaised(seq=0, at=floor.now, alert=alert_info(row, names)))
            for event in events:
                uow.publish(event)
        return events


def _stale(row: WaitAlert, want: dict[tuple[str, AlertKind], Breach]) -> bool:
    """Whether an alert that stays active suggests something else now than it did."""
    breach = want.get((row.service_code, row.kind))
    if breach is None:
        return False
    now = (breach.suggestion.kind, breach.suggestion.counter_number, list(breach.helpers))
    return (row.suggestion, row.suggested_counter, list(row.helpers)) != now


@writes
def acknowledge_alert(
    uow: Unit, *, alert_id: int, by_name: str, acting: Acting | None = None
) -> AlertInfo:
    """A manager has seen the alert; again: answers it as it is. A cleared alert is refused.
    ``acting``: who, for the audit trail (the first acknowledgement only)."""
    session = uow.session
    now = uow.ctx.now()
    row = alerts.get_alert(session, alert_id=alert_id)
    names = Names(session)
    if row.state not in ACTIVE_ALERT_STATES:
        raise ActionRefused(
            f"alert {alert_id} cleared by itself at {_at(row)}; nothing to acknowledge",
            f"提醒 {alert_id} 已于 {_at(row)} 自动解除，无需确认",
        )
    if row.state is AlertState.ACKNOWLEDGED:
        return alert_info(row, names)
    row.state = AlertState.ACKNOWLEDGED
    row.acknowledged_at = now
    row.acknowledged_by = by_name
    session.add(row)
    if acting is not None:
        details = {"service": row.service_code, "kind": row.kind.value}
        audit.record(session, acting, AuditAction.ALERT_ACKNOWLEDGE, f"alert:{alert_id}", details)
    session.flush()
    info = alert_info(row, names)
    uow.publish(AlertAcknowledged(seq=0, at=now, alert=info))
    return info


def _at(row: WaitAlert) -> str:
    return row.cleared_at.strftime("%H:%M:%S UTC") if row.cleared_at is not None else "?"
