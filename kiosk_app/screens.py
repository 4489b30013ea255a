"""The kiosk's screens and the state of the ticket on screen (plain values, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from drivers.printer import TicketLayout
from server.contract.common import Bilingual, Category
from server.contract.rest import TicketIssuedOut


class Screen(StrEnum):
    STARTING = "starting"
    HOME = "home"
    GROUP = "group"
    CONFIRM = "confirm"
    ISSUING = "issuing"
    TICKET = "ticket"
    NOTICE = "notice"
    UNAVAILABLE = "unavailable"
    EMERGENCY = "emergency"  # the branch stopped issuing: its notice covers the screen
    CHECKIN = "checkin"  # "I have an appointment": the booking code, typed or scanned


class PrintState(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


@dataclass(frozen=True)
class TicketView:
    ticket: TicketIssuedOut
    layout: TicketLayout
    job: int
    print_state: PrintState = PrintState.PRINTING
    reprint_ready: bool = False  # failed, and the printer answers ready again
    note: Bilingual | None = None  # a checked-in appointment: why the ticket is what it is


@dataclass
class PendingTap:
    """A tap the server has not answered: retried with the same idempotency key."""

    service_code: str
    category: Category
    key: str
    since: float  # time.monotonic()
