"""REST bodies of the tickets, counters and queues API (``/api/v1``).

Requests refuse unknown fields; every response a client reads is one of these classes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, Field, field_validator, model_validator

from server.contract.common import (
    Bilingual,
    Category,
    CounterNumber,
    Language,
    ServiceCode,
    TicketNumber,
    TicketState,
    WireInput,
    WireModel,
)
from server.contract.events import CounterInfo, QueueInfo, TicketRef

__all__ = [
    "BranchInfo",
    "CallChosen",
    "Contact",
    "CounterActionResult",
    "CounterInfo",
    "ErrorBody",
    "Health",
    "MenuItem",
    "PrintResult",
    "PrintResultOut",
    "QueueInfo",
    "TicketCreate",
    "TicketIssuedOut",
    "TicketRef",
    "TicketStatusOut",
    "TransferRequest",
    "UnparkRequest",
]


class ErrorBody(WireModel):
    """Every error response: ``{"error": "invalid_transition", "message": {"zh": "A042号当前为
    已办结，重呼需要已叫号", "en": "ticket A042 is DONE; recall needs CALLED"}}``.

    error: a stable code for programs (``not_found``, ``invalid_transition``, ...; the table is
    in ``server/api/errors.py``); message: what was wrong, for people, in both languages;
    field: the request field at fault (422 only), e.g. ``body.service_code``.
    """

    error: str
    message: Bilingual
    field: str | None = None


class Health(WireModel):
    status: Literal["ok"] = "ok"
    database: str
    business_day: str


class Contact(WireModel):
    """A phone number for the screens: 24-hour service, card loss, complaints."""

    label: Bilingual
    phone: str  # as printed, e.g. "400-820-9588"


class MenuItem(WireModel):
    """One kiosk button: a leaf takes a ticket of ``service_code`` in ``category``; a group
    (``service_code`` None) opens ``children`` (leaves; two levels at most)."""

    label: Bilingual
    service_code: str | None = None
    category: Category = Category.NORMAL
    children: list[MenuItem] = Field(default_factory=list)


class BranchInfo(WireModel):
    """The branch as a kiosk or display introduces it (names on tickets, local clock, the
    kiosk's menu, the phone numbers and notices its screens show); all from the branch file."""

    name: Bilingual
    timezone: str  # IANA zone, e.g. "Asia/Shanghai": print and show times in it
    business_day: str  # ISO date of the current business day (changes at the rollover)
    contacts: list[Contact] = Field(default_factory=list)
    notices: list[Bilingual] = Field(default_factory=list)  # safety tips, self-service help
    menu: list[MenuItem] = Field(default_factory=list)  # never empty when served
    appointments: bool = False  # a service takes appointments: the kiosk offers check-in


APPOINTMENT_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
APPOINTMENT_LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def check_appointment(at: datetime) -> datetime:
    """An appointment time the branch can store: timezone-aware, between the years 2000
    and 9000 (compared as aware times, so nothing is converted before it is known to fit)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("needs a time zone, e.g. 2026-11-29T10:30:00+08:00")
    if not APPOINTMENT_EARLIEST <= at <= APPOINTMENT_LATEST:
        raise ValueError(
            f"{at.isoformat()} is out of range; expected a time between "
            f"{APPOINTMENT_EARLIEST:%Y-%m-%d} and {APPOINTMENT_LATEST:%Y-%m-%d}"
        )
    return at


class TicketCreate(WireInput):
    """Kiosk: issue a ticket. Retrying with the same ``idempotency_key`` returns the same one."""

    service_code: ServiceCode
    category: Category = Category.NORMAL
    language: Language = Language.ZH
    idempotency_key: str | None = Field(
        default=None,
        min_length=8,
        max_length=128,
        description="unique per button press (e.g. a UUID); a retry sends the same key",
    )
    appointment_at: AwareDatetime | None = Field(
        default=None,
        description="booked slot (APPOINTMENT tickets), timezone-aware, years 2000 to 9000",
    )

    @field_validator("appointment_at")
    @classmethod
    def _storable_time(cls, value: datetime | None) -> datetime | None:
        return None if value is None else check_appointment(value)


class TicketIssuedOut(WireModel):
    public_id: str
    number: str
    service_code: str
    service_name: Bilingual
    category: Category
    language: Language
    state: TicketState
    people_ahead: int
    estimated_wait_s: int
    issued_at: datetime
    status_url: str
    replayed: bool = Field(
        default=False, description="true when this answers a retry of an earlier request"
    )


class PrintResult(WireInput):
    """Kiosk: what happened when it printed the ticket."""

    status: Literal["printed", "failed"]
    reason: str | None = Field(default=None, max_length=500, examples=["paper out"])

    @model_validator(mode="after")
    def _reason_when_failed(self) -> PrintResult:
        if self.status == "failed" and not (self.reason or "").strip():
            raise ValueError("reason is required when status is 'failed' (e.g. 'paper out')")
        return self


class PrintResultOut(WireModel):
    public_id: str
    number: str
    print_status: Literal["pending", "printed", "failed"]
    print_error: str | None = None


class TicketStatusOut(WireModel):
    """A ticket's status, for the phone that scanned its QR code."""

    public_id: str
    number: str
    service_code: str
    service_name: Bilingual
    state: TicketState
    people_ahead: int
    estimated_wait_s: int
    counter_number: int | None = None
    counter_name: Bilingual | None = None
    issued_at: datetime
    called_at: datetime | None = None
    language: Language = Language.ZH  # chosen at the kiosk


class CallChosen(WireInput):
    """Teller: call this waiting ticket (today's number, e.g. ``A042``)."""

    number: TicketNumber


class UnparkRequest(WireInput):
    number: TicketNumber


class TransferRequest(WireInput):
    """Teller: send the counter's ticket (or a parked one, by ``number``) back to a queue.

    to_service: another service's queue; to_counter: one counter only. At least one.
    """

    number: TicketNumber | None = Field(
        default=None, description="default: the counter's current ticket"
    )
    to_service: ServiceCode | None = None
    to_counter: CounterNumber | None = None

    @model_validator(mode="after")
    def _somewhere(self) -> TransferRequest:
        if self.to_service is None and self.to_counter is None:
            raise ValueError("give to_service (a service code) or to_counter (a counter number)")
        return self


class CounterActionResult(WireModel):
    """The counter after a teller action, the ticket acted on, and for a call why it was chosen.

    ticket is None after call-next when nothing is waiting for the counter (reason says so).
    recall_count: how many times the ticket was recalled (the ticket's own count, the same in
    every answer and event about it; 0 when there is no ticket).
    """

    counter: CounterInfo
    ticket: TicketRef | None = None
    reason: Bilingual | None = None
    recall_count: int = 0
    replayed: bool = Field(
        default=False,
        description="true when this answers a retry (same Idempotency-Key) of an earlier request",
    )
