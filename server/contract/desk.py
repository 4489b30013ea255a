"""What a counter terminal shows besides the event stream (``/api/v1/counters/{n}/desk``,
``/api/v1/tellers/me/today``)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from server.contract.common import Bilingual, WireModel
from server.contract.events import CounterInfo, TicketRef


class DeskTicket(WireModel):
    """A ticket as the teller sees it."""

    ticket: TicketRef
    waited_s: int = Field(description="seconds from arrival to the call (held) or to now")
    recall_count: int = 0
    reason: Bilingual | None = Field(default=None, description="why it was called (held)")


class CounterDesk(WireModel):
    """One counter's desk: the ticket it holds, the tickets it may call, its parked ones."""

    at: datetime  # the server's clock when this was read
    counter: CounterInfo
    current: DeskTicket | None = None
    waiting: list[DeskTicket]  # WAITING tickets it may call, oldest first (at most 100)
    waiting_total: int = 0  # how many it may call in all
    parked: list[DeskTicket]  # tickets this counter parked today
    services: list[str] = Field(
        default_factory=list, description="codes of the services this counter serves"
    )
    allowed: list[str] = Field(
        default_factory=list,
        description="the actions (POST /counters/{n}/<action>) that make sense now",
        examples=[["recall", "start", "no-show", "park", "transfer"]],
    )


class TellerToday(WireModel):
    """A teller's own figures for the current business day."""

    business_day: date
    teller: str
    served: int  # customers finished
    no_shows: int
    avg_service_s: int | None = None  # start -> finish, over the served customers
    avg_wait_s: int | None = None  # arrival -> call, over the served customers
    ratings: int = 0  # customers who rated this teller's service today (评价)
    avg_rating: float | None = None  # their average score, 1..5 (5 best), two decimals
