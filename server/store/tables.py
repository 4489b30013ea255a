"""The core tables: services, counters, tickets, the ticket-event log and counters of state.

Ticket states, counter states and categories are enum columns of the domain's enums
(``server.domain.states``): stored as their values, read back as the enum members.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from server.domain.states import Category, CounterState, TicketState
from server.store.types import UTCDateTime, enum_column


def _dt(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Service(SQLModel, table=True):
    """A service (业务) customers take tickets for; seeded from the branch file."""

    code: str = Field(primary_key=True, max_length=8)
    prefix: str = Field(max_length=1)
    name_zh: str
    name_en: str
    number_min: int = 1
    number_max: int = 999
    daily_cap: int | None = None
    target_wait_s: int = 900
    default_service_s: int = 300
    is_open: bool = True
    sort_order: int = 0


class Counter(SQLModel, table=True):
    """A counter (窗口); ``teller_user_id`` is the teller signed in to it (None when closed)."""

    number: int = Field(primary_key=True)
    name_zh: str
    name_en: str
    state: CounterState = enum_column(CounterState, default=CounterState.CLOSED)
    teller_user_id: int | None = None
    teller_name: str | None = None


class CounterSkill(SQLModel, table=True):
    """How much a counter prefers a service (0 or no row = does not serve it)."""

    counter_number: int = Field(primary_key=True)
    service_code: str = Field(primary_key=True, max_length=8)
    weight: float


class CategoryWeight(SQLModel, table=True):
    """A customer category and its weight in the call score."""

    category: Category = enum_column(Category, primary_key=True)
    weight: float
    name_zh: str
    name_en: str


class Ticket(SQLModel, table=True):
    """One ticket. ``id`` is the global issue order (FIFO tie-break)."""

    __table_args__ = (
        # call-next's group heads (server.store.call_heads): a group's columns, then the
        # domain's HEAD_ORDER; its prefix also serves the per-service queue counts
        Index(
            "ix_ticket_call_head",
            "business_day",
            "state",
            "service_code",
            "category",
            "target_counter",
            "arrived_at",
            "id",
        ),
        # the same groups' tickets with an appointment, by appointment time (the slot window)
        Index(
            "ix_ticket_appointment_head",
            "business_day",
            "state",
            "service_code",
            "category",
            "target_counter",
            "appointment_at",
            sqlite_where=text("appointment_at IS NOT NULL"),
            postgresql_where=text("appointment_at IS NOT NULL"),
        ),
        Index("ix_ticket_counter_state", "counter_number", "state"),
        # the tickets transferred to a counter (call-next reads them whole: a handful)
        Index(
            "ix_ticket_transferred",
            "target_counter",
            "business_day",
            "state",
            sqlite_where=text("target_counter IS NOT NULL"),
            postgresql_where=text("target_counter IS NOT NULL"),
        ),
        Index("ix_ticket_day_number", "business_day", "number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(unique=True, max_length=32)
    service_code: str = Field(max_length=8)
    number: str = Field(max_length=12)
    number_value: int
    category: Category = enum_column(Category)
    state: TicketState = enum_column(TicketState)
    language: str = Field(max_length=4)
    counter_number: int | None = None
    target_counter: int | None = None
    business_day: date
    arrived_at: datetime = _dt(nullable=False)
    issued_at: datetime = _dt(nullable=False)
    called_at: datetime | None = _dt()
    started_at: datetime | None = _dt()
    finished_at: datetime | None = _dt()
    appointment_at: datetime | None = _dt()
    recall_count: int = 0
    idempotency_key: str | None = Field(default=None, unique=True, max_length=128)
    print_status: str = Field(default="pending", max_length=16)
    print_error: str | None = None


class TicketEvent(SQLModel, table=True):
    """The append-only log of every ticket state change (statistics and audit)."""

    __table_args__ = (
        # the latest calls (the policy's ratio rule) without walking past every issue event
        Index(
            "ix_ticketevent_calls",
            "id",
            sqlite_where=text("action = 'call'"),
            postgresql_where=text("action = 'call'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    action: str = Field(max_length=16)
    counter_number: int | None = None
    teller_user_id: int | None = None
    at: datetime = _dt(nullable=False, index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class IssuedCounter(SQLModel, table=True):
    """A service's numbering on a business day: how many tickets it issued (the daily cap) and
    the value of the last number it gave (the next one follows it, skipping live numbers)."""

    service_code: str = Field(primary_key=True, max_length=8)
    business_day: date = Field(primary_key=True)
    issued: int = 0
    last_value: int | None = None


class ServiceStats(SQLModel, table=True):
    """Measured service time per service (exponentially weighted average, seconds)."""

    service_code: str = Field(primary_key=True, max_length=8)
    avg_service_s: float
    samples: int = 0
    updated_at: datetime = _dt(nullable=False)


class BranchState(SQLModel, table=True):
    """Branch-wide state: one row (id 1): current business day and the emergency notice.

    While ``emergency_kind`` is set ("emergency" or "pause") no ticket is issued and the
    notice covers every screen; ``emergency_drill`` marks a practice run.
    """

    id: int = Field(default=1, primary_key=True)
    business_day: date | None = None
    emergency_zh: str | None = None
    emergency_en: str | None = None
    emergency_kind: str | None = Field(default=None, max_length=16)
    emergency_drill: bool = False
    emergency_since: datetime | None = _dt()
    # sha256 of the branch definition last applied from the branch file (see store/seed.py)
    branch_file_digest: str | None = Field(default=None, max_length=64)


class CounterActionKey(SQLModel, table=True):
    """A teller action's idempotency key and its answer: the same key on the same counter
    answers the stored result instead of acting twice. ``result`` is None while the first
    request is still being carried out."""

    counter_number: int = Field(primary_key=True)
    key: str = Field(primary_key=True, max_length=128)
    request: str = Field(max_length=2000)  # the action and its body, to refuse a reused key
    result: str | None = None  # CounterActionResult as JSON
    created_at: datetime = _dt(nullable=False, index=True)


class EmergencySwitch(SQLModel, table=True):
    """The log of emergency and pause switches: who switched what, when (never deleted)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _dt(nullable=False, index=True)
    action: str = Field(max_length=8)  # "on" (also a changed notice) or "off"
    kind: str = Field(max_length=16)  # "emergency" or "pause"
    drill: bool = False
    notice_zh: str | None = None
    notice_en: str | None = None
    by_name: str = Field(max_length=64)
    by_kind: str = Field(max_length=8)  # "user" or "device"
