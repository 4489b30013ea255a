"""Wait alerts on the wire: what passed its limit, the suggested step, who acknowledged it.

The kinds and states are the domain's (``server.domain.staffing``), re-exported here. An alert
is sent in ``AlertRaised`` / ``AlertAcknowledged`` / ``AlertCleared`` events and in the
``Snapshot`` (the active ones), and listed by the console (``/api/v1/console``).
"""

from __future__ import annotations

from datetime import datetime

from server.contract.common import Bilingual, WireModel
from server.domain.staffing import AlertKind, AlertState, SuggestionKind

__all__ = ["AlertInfo", "AlertKind", "AlertState", "AlertSuggestion", "SuggestionKind"]


class AlertSuggestion(WireModel):
    """The one concrete step that would shorten the wait ("open counter 6 for F")."""

    kind: SuggestionKind
    service_code: str
    counter_number: int | None = None  # None when no counter can help (kind "none")
    text: Bilingual


class AlertInfo(WireModel):
    id: int
    service_code: str
    service_name: Bilingual
    kind: AlertKind
    state: AlertState
    value_s: int  # the estimated wait, or the longest wait, when raised (seconds)
    limit_s: int  # the service's target wait, or the max wait (seconds)
    waiting: int  # people waiting when raised
    text: Bilingual  # what happened, for the manager and the tellers
    suggestion: AlertSuggestion
    helpers: list[int]  # counters that could help: those serving the service, the suggested
    raised_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    cleared_at: datetime | None = None
