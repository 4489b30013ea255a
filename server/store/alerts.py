"""Queries of the wait alerts (``WaitAlert``), keyword-only like ``store.repo``."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from server.domain.errors import UnknownEntity
from server.domain.staffing import ACTIVE_ALERT_STATES, AlertState
from server.store.alert_tables import WaitAlert


def active_alerts(session: Session) -> list[WaitAlert]:
    """Alerts open or acknowledged, newest first."""
    stmt = (
        select(WaitAlert)
        .where(col(WaitAlert.state).in_(ACTIVE_ALERT_STATES))
        .order_by(col(WaitAlert.id).desc())
    )
    return list(session.exec(stmt).all())


def cleared_alerts(session: Session, *, business_day: date, limit: int) -> list[WaitAlert]:
    """The day's cleared alerts, newest first."""
    stmt = (
        select(WaitAlert)
        .where(WaitAlert.business_day == business_day, WaitAlert.state == AlertState.CLEARED)
        .order_by(col(WaitAlert.id).desc())
        .limit(limit)
    )
    return list(session.exec(stmt).all())


def get_alert(session: Session, *, alert_id: int) -> WaitAlert:
    row = session.get(WaitAlert, alert_id)
    if row is None:
        newest = active_alerts(session)[:10]
        raise UnknownEntity("alert", alert_id, [str(a.id) for a in newest])
    return row
