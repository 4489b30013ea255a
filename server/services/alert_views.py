"""Wait alerts as the console and the counter terminals read them: rows -> ``AlertInfo``, with
what happened and the suggested step in Simplified Chinese and English."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from server.contract.alerts import AlertInfo, AlertSuggestion
from server.contract.common import Bilingual
from server.domain.staffing import AlertKind, SuggestionKind
from server.services.names import Names
from server.store import alerts
from server.store.alert_tables import WaitAlert

RECENT_CLEARED = 10


def minutes(seconds: int) -> int:
    """Whole minutes, rounded up, at least 1 (a wait of 61 s reads "2 min")."""
    return max(1, -(-seconds // 60))


def alert_text(row: WaitAlert, names: Names) -> Bilingual:
    name = names.service(row.service_code)
    value, limit = minutes(row.value_s), minutes(row.limit_s)
    if row.kind is AlertKind.WAIT_OVER_TARGET:
        return Bilingual(
            zh=f"{name.zh}（{row.service_code}）预计等候 {value} 分钟，超过目标 {limit} 分钟"
            f"（{row.waiting} 人等候）",
            en=f"{name.en} ({row.service_code}): estimated wait {value} min, over the "
            f"{limit} min target ({row.waiting} waiting)",
        )
    return Bilingual(
        zh=f"{name.zh}（{row.service_code}）有客户已等候 {value} 分钟，超过最长等候 {limit} 分钟",
        en=f"{name.en} ({row.service_code}): a customer has waited {value} min, over the "
        f"{limit} min maximum",
    )


def suggestion_text(
    kind: SuggestionKind, service_code: str, counter_number: int | None, names: Names
) -> Bilingual:
    service = names.service(service_code)
    if kind is SuggestionKind.NONE or counter_number is None:
        return Bilingual(
            zh="所有窗口均已开放且繁忙：请增派人手，或引导客户使用自助设备",
            en="Every counter is open and busy: call in more staff or guide customers to "
            "self-service",
        )
    counter = names.counter(counter_number)
    what_zh = f"{service_code}（{service.zh}）"
    what_en = f"{service_code} ({service.en})"
    if kind is SuggestionKind.OPEN_COUNTER:
        return Bilingual(zh=f"开放{counter.zh}办理{what_zh}", en=f"Open {counter.en} for {what_en}")
    if kind is SuggestionKind.ADD_SERVICE:
        return Bilingual(
            zh=f"让{counter.zh}同时办理{what_zh}", en=f"Let {counter.en} also serve {what_en}"
        )
    return Bilingual(
        zh=f"开放{counter.zh}并让其办理{what_zh}",
        en=f"Open {counter.en} and let it serve {what_en}",
    )


def alert_info(row: WaitAlert, names: Names) -> AlertInfo:
    assert row.id is not None
    return AlertInfo(
        id=row.id,
        service_code=row.service_code,
        service_name=names.service(row.service_code),
        kind=row.kind,
        state=row.state,
        value_s=row.value_s,
        limit_s=row.limit_s,
        waiting=row.waiting,
        text=alert_text(row, names),
        suggestion=AlertSuggestion(
            kind=row.suggestion,
            service_code=row.service_code,
            counter_number=row.suggested_counter,
            text=suggestion_text(row.suggestion, row.service_code, row.suggested_counter, names),
        ),
        helpers=list(row.helpers),
        raised_at=row.raised_at,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        cleared_at=row.cleared_at,
    )


def active_alerts(session: Session, names: Names) -> list[AlertInfo]:
    """Alerts open or acknowledged, newest first."""
    return [alert_info(row, names) for row in alerts.active_alerts(session)]


def recent_cleared(session: Session, names: Names, *, day: date) -> list[AlertInfo]:
    rows = alerts.cleared_alerts(session, business_day=day, limit=RECENT_CLEARED)
    return [alert_info(row, names) for row in rows]
