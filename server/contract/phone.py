"""What the customer's phone page shows of one ticket (``/api/v1/tickets/{id}`` in a browser).

The server composes every text in both languages; the page only places them, so a language
switch needs no round trip and the wording has one home (``server.services.phone_page``).
Nothing here is about another customer.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from server.contract.common import Bilingual, TicketState, WireModel
from server.contract.feedback import RatingPrompt

Tone = Literal["waiting", "next", "called", "serving", "done", "alert"]


class PhoneFact(WireModel):
    """One line of the ticket card: "前面还有 / People ahead" -> "4 人 / 4"."""

    label: Bilingual
    value: Bilingual


class PhoneView(WireModel):
    """The ticket card. Sent as the page's first state, by its event stream
    (``/tickets/{id}/events``, event ``view``) and by its polling fallback
    (``/tickets/{id}/view``)."""

    number: str  # "A023"
    state: TicketState
    tone: Tone  # how the page colours the card
    final: bool  # done, no-show, cancelled or expired: the page stops updating
    service: Bilingual
    state_label: Bilingual  # "等候中 / Waiting"
    headline: Bilingual | None = None  # "请到 3号窗口 / Please go to Counter 3"
    message: Bilingual | None = None  # what to do now
    facts: list[PhoneFact] = Field(default_factory=list)  # people ahead, estimated wait, issued at
    counter_number: int | None = None
    updated_at: str  # local time of this view, "10:02:15"
    # the branch stopped issuing (emergency or service pause): shown above the card
    emergency: Bilingual | None = None
    # a served ticket: may it be rated (and complained about) on this page now
    feedback: RatingPrompt | None = None
