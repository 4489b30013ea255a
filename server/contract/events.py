"""Websocket events pushed by the server (``/api/v1/ws``).

Protocol
--------
1. The client connects and sends ``Subscribe`` (its bearer token, and the ``seq`` of the last
   event it processed, or ``null`` on first connect).
2. The server answers ``Snapshot`` (the whole current state, carrying ``seq``), or, when
   ``last_seq`` is still in its replay buffer, the missed events one by one.
3. Then every event, each with ``seq`` one higher than the previous one. A gap means the client
   missed something: it must reconnect with its last ``seq``.
4. A client that falls too far behind is sent a fresh ``Snapshot`` instead of the backlog.
5. ``ErrorMessage`` is sent before the server closes a connection it refuses (bad token).

Every message is a JSON object with a ``type`` field; ``parse_server_message`` turns one into
the right class.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter

from server.contract.alerts import AlertInfo
from server.contract.common import (
    Bilingual,
    Category,
    CounterState,
    DeviceStatus,
    TicketState,
    WireInput,
    WireModel,
)
from server.contract.feedback import ComplaintInfo, RatingInfo


class TicketRef(WireModel):
    """What a display, a panel or a terminal needs to know of one ticket."""

    public_id: str  # unguessable id, also in the ticket's QR status URL
    number: str  # "A023"
    service_code: str
    service_name: Bilingual
    category: Category
    state: TicketState
    counter_number: int | None = None
    issued_at: datetime
    recall_count: int = 0  # times recalled at its counter (a transfer starts it again at 0)


class QueueInfo(WireModel):
    """One service's queue, as a kiosk or a lobby display shows it.

    unavailable: why a ticket can't be taken now (the service is closed, today's tickets are
    all issued, or the branch is serving but no counter serves this service); None when it
    can. A kiosk shows the service disabled with this text.
    """

    service_code: str
    prefix: str
    name: Bilingual
    is_open: bool
    waiting: int
    estimated_wait_s: int
    open_counters: int
    unavailable: Bilingual | None = None


class CounterInfo(WireModel):
    counter_number: int
    name: Bilingual
    state: CounterState
    teller: str | None = None
    current: TicketRef | None = None  # the CALLED or SERVING ticket


class CallInfo(WireModel):
    """One call (or recall) to announce: "A023 -> counter 3"."""

    ticket: TicketRef
    counter_number: int
    counter_name: Bilingual
    recall_count: int = 0
    called_at: datetime


# ---- client -> server ----------------------------------------------------------------------


class Subscribe(WireInput):
    type: Literal["subscribe"] = "subscribe"
    token: str
    last_seq: int | None = None


# ---- server -> client ----------------------------------------------------------------------


class _Event(WireModel):
    seq: int
    at: datetime


class Snapshot(_Event):
    type: Literal["snapshot"] = "snapshot"
    queues: list[QueueInfo]
    counters: list[CounterInfo]
    recent_calls: list[CallInfo]  # newest first, at most 10
    emergency: Bilingual | None = None  # notice shown everywhere while issuing is stopped
    alerts: list[AlertInfo] = Field(default_factory=list)  # wait alerts open or acknowledged


class TicketIssued(_Event):
    type: Literal["ticket.issued"] = "ticket.issued"
    ticket: TicketRef
    queue: QueueInfo


class TicketCalled(_Event):
    """A ticket called to a counter; ``call.recall_count`` > 0 for a recall."""

    type: Literal["ticket.called"] = "ticket.called"
    call: CallInfo
    reason: Bilingual  # why the policy chose this ticket (shown to the teller)
    queue: QueueInfo


class TicketRecalled(_Event):
    type: Literal["ticket.recalled"] = "ticket.recalled"
    call: CallInfo


class TicketChanged(_Event):
    """Started, finished, no-show, parked, unparked, cancelled: one event, its action named."""

    type: Literal["ticket.changed"] = "ticket.changed"
    action: Literal["started", "finished", "no_show", "parked", "unparked", "cancelled"]
    ticket: TicketRef
    counter_number: int | None = None
    queue: QueueInfo


class TicketTransferred(_Event):
    type: Literal["ticket.transferred"] = "ticket.transferred"
    ticket: TicketRef  # already in its new service (same number, same arrival time)
    from_service_code: str
    from_counter_number: int | None = None
    to_counter_number: int | None = None  # transferred to one counter rather than a service
    queues: list[QueueInfo]


class QueuesChanged(_Event):
    """Every service's queue after a change that moves estimates or availability for all.

    Sent when a counter opens, pauses or closes (fewer or more counters serve the services)
    and when an admin changes services, counter skills or category weights. A kiosk uses it
    to grey out a closed service and to show fresh waits.
    """

    type: Literal["queues.changed"] = "queues.changed"
    queues: list[QueueInfo]
    reason: str  # e.g. "counter 3 opened", "service B updated"


class CounterChanged(_Event):
    type: Literal["counter.changed"] = "counter.changed"
    counter: CounterInfo


class DeviceHealthChanged(_Event):
    type: Literal["device.health"] = "device.health"
    device_id: str
    kind: str  # "printer", "panel", "kiosk", "display"
    status: DeviceStatus
    detail: str = ""


class EmergencyChanged(_Event):
    type: Literal["emergency.changed"] = "emergency.changed"
    notice: Bilingual | None  # None when the emergency is over


class RatingGiven(_Event):
    """A customer rated a served ticket (at the counter's rating pad or on the phone)."""

    type: Literal["rating.given"] = "rating.given"
    rating: RatingInfo


class ComplaintChanged(_Event):
    """A complaint was opened, taken (or assigned) or resolved. No text, no phone number:
    every screen receives the stream; a manager reads the complaint through the API."""

    type: Literal["complaint.changed"] = "complaint.changed"
    action: Literal["opened", "taken", "resolved"]
    complaint: ComplaintInfo


class AlertRaised(_Event):
    """A service's wait passed its limit: the alert, its suggestion and who could help. Sent
    again with the same ``alert.id`` when an active alert's suggestion changes."""

    type: Literal["alert.raised"] = "alert.raised"
    alert: AlertInfo


class AlertAcknowledged(_Event):
    """A manager has seen the alert (it stays until the wait falls back)."""

    type: Literal["alert.acknowledged"] = "alert.acknowledged"
    alert: AlertInfo


class AlertCleared(_Event):
    """The wait fell back under the limit (with margin): the alert is over."""

    type: Literal["alert.cleared"] = "alert.cleared"
    alert: AlertInfo


class ErrorMessage(WireModel):
    """The server refuses the subscription (then closes): why, in both languages."""

    type: Literal["error"] = "error"
    code: str  # "unauthorized", "bad_message", "server_error"
    message: Bilingual


Event = Annotated[
    TicketIssued
    | TicketCalled
    | TicketRecalled
    | TicketChanged
    | TicketTransferred
    | CounterChanged
    | QueuesChanged
    | DeviceHealthChanged
    | EmergencyChanged
    | RatingGiven
    | ComplaintChanged
    | AlertRaised
    | AlertAcknowledged
    | AlertCleared,
    Field(discriminator="type"),
]

ServerMessage = Annotated[
    Snapshot
    | TicketIssued
    | TicketCalled
    | TicketRecalled
    | TicketChanged
    | TicketTransferred
    | CounterChanged
    | QueuesChanged
    | DeviceHealthChanged
    | EmergencyChanged
    | RatingGiven
    | ComplaintChanged
    | AlertRaised
    | AlertAcknowledged
    | AlertCleared
    | ErrorMessage,
    Field(discriminator="type"),
]

_server_message_adapter: TypeAdapter[ServerMessage] = TypeAdapter(ServerMessage)


def parse_server_message(data: str | bytes) -> ServerMessage:
    """Parse one JSON message received from the server's websocket."""
    return _server_message_adapter.validate_json(data)
