"""Whether a service's ticket can be taken now, and why not: the one home of that rule.

``issue_refusal`` is what the server enforces when issuing (closed, daily cap reached);
``unavailable`` adds every number in use (the numbering refuses to give a number held by an
open ticket: ``server.domain.numbering``, when the open tickets fill ``number_span``) and what
a kiosk must also respect: the branch is serving (some counter is open) yet no counter that
serves this service is open or paused, so nobody would call the ticket. Before the branch opens
(no counter open or paused) tickets are taken, so customers can queue for the opening. Every
queue a client sees (``QueueInfo.unavailable``) is computed here.
"""

from __future__ import annotations

from enum import StrEnum

from server.contract.common import Bilingual


class Unavailability(StrEnum):
    CLOSED = "closed"  # the service is switched off (branch file or admin)
    CAP_REACHED = "cap_reached"  # the day's tickets are all issued
    NUMBERS_IN_USE = "numbers_in_use"  # every number is held by a ticket still open today
    NO_COUNTER = "no_counter"  # the branch is serving, but no counter serves this service


TEXTS: dict[Unavailability, Bilingual] = {
    Unavailability.CLOSED: Bilingual(zh="该业务暂停办理", en="Not available at the moment"),
    Unavailability.CAP_REACHED: Bilingual(
        zh="今日号已取完，请明日再来", en="All of today's tickets are taken; please come tomorrow"
    ),
    Unavailability.NUMBERS_IN_USE: Bilingual(
        zh="号码已全部占用，请稍候再取号", en="Every number is in use; please wait a moment"
    ),
    Unavailability.NO_COUNTER: Bilingual(
        zh="暂无窗口办理该业务", en="No counter is serving this right now"
    ),
}


def issue_refusal(
    *, is_open: bool, daily_cap: int | None, issued_today: int
) -> Unavailability | None:
    """Why the server refuses the service's next ticket, None when it issues it.

    issued_today: tickets of the service already issued this business day.
    """
    if not is_open:
        return Unavailability.CLOSED
    if daily_cap is not None and issued_today >= daily_cap:
        return Unavailability.CAP_REACHED
    return None


def unavailable(
    *,
    is_open: bool,
    daily_cap: int | None,
    issued_today: int,
    open_tickets: int,
    number_span: int,
    serving_counters: int,
    branch_open: bool,
) -> Unavailability | None:
    """Why a kiosk must not offer the service now, None when it may.

    open_tickets: the service's tickets of the day still open (waiting, called, serving,
    parked), each holding its number; number_span: how many numbers the service has
    (``ServiceDef.number_span``); serving_counters: counters serving the service that are
    OPEN or PAUSED (a teller on a short break still serves the queue); branch_open: at least
    one counter is OPEN or PAUSED.
    """
    refusal = issue_refusal(is_open=is_open, daily_cap=daily_cap, issued_today=issued_today)
    if refusal is not None:
        return refusal
    if open_tickets >= number_span:
        return Unavailability.NUMBERS_IN_USE
    if branch_open and serving_counters == 0:
        return Unavailability.NO_COUNTER
    return None


def unavailable_text(reason: Unavailability | None) -> Bilingual | None:
    """The customer-facing reason (zh + en), None when the service is available."""
    return None if reason is None else TEXTS[reason]
