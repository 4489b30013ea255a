"""The manager's console (``/api/v1/console``): the floor as it is now, and alert answers.

The console page reads ``FloorView`` when it connects to the event stream and again after
events (coalesced); times are the server's, so the page ticks waits and service times from
``at``.
"""

from __future__ import annotations

from datetime import date, datetime

from server.contract.alerts import AlertInfo
from server.contract.common import Bilingual, WireModel
from server.contract.events import CounterInfo, QueueInfo


class ServiceFloor(WireModel):
    queue: QueueInfo  # waiting, estimated wait, open counters, availability
    target_wait_s: int
    longest_wait_s: int  # how long the longest-waiting ticket has waited (0: nobody waits)
    oldest_arrived_at: datetime | None = None  # that ticket's arrival (the page ticks from it)


class CounterFloor(WireModel):
    counter: CounterInfo  # state, teller, current ticket
    serves: list[str]  # the service codes it serves
    called_at: datetime | None = None  # when its current ticket was called
    started_at: datetime | None = None  # when serving it started (None: called, not started)


class FloorView(WireModel):
    at: datetime  # the server's time of this view
    business_day: date
    timezone: str  # the branch's IANA time zone (the page shows clock times in it)
    max_wait_s: int  # a ticket waiting longer is called first and raises an alert
    services: list[ServiceFloor]
    counters: list[CounterFloor]
    alerts: list[AlertInfo]  # open or acknowledged, newest first
    recent_alerts: list[AlertInfo]  # cleared today, newest first (at most 10)
    emergency: Bilingual | None = None
