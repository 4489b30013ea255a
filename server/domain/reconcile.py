"""End-of-day reconciliation: which of a day's tickets do not add up, and why (pure).

The day balances when every ticket issued ended in exactly one of served, no-show, cancelled
or abandoned (issued = served + no_show + cancelled + abandoned; a transfer moves a ticket
between queues and ends nothing), and each ticket's state is the one its logged steps leave
it in. A ticket is listed (``Difference``) when:

- ``still_open``: it is WAITING, CALLED, SERVING or PARKED (the day was not rolled over, or
  the ticket escaped the rollover);
- ``left_at_counter``: it was abandoned at the rollover while a counter still held it
  (CALLED, SERVING or PARKED): a customer the teller never closed;
- ``state_mismatch``: its stored state is not the one its event log leads to;
- ``not_printed`` / ``print_failed``: the kiosk never reported printing it, or its last print
  failed (the customer may have only the number on screen).

A ticket abandoned while WAITING is an ordinary outcome (the customer left unnoticed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from server.domain.states import TicketState
from server.domain.transitions import ACTIVE_STATES
from server.domain.visits import TicketRecord, state_after, visits_of
from server.domain.words import state_zh

DifferenceKind = Literal[
    "still_open", "left_at_counter", "state_mismatch", "not_printed", "print_failed"
]

AT_COUNTER = frozenset({TicketState.CALLED, TicketState.SERVING, TicketState.PARKED})


@dataclass(frozen=True)
class Difference:
    """One ticket that does not reconcile: ``kind`` and what to look at (en, zh)."""

    number: str
    service_code: str
    state: TicketState
    kind: DifferenceKind
    en: str
    zh: str


def differences(records: Iterable[TicketRecord]) -> list[Difference]:
    """The differences of the records, ticket by ticket in the records' order."""
    out: list[Difference] = []
    for record in records:
        out.extend(_of_ticket(record))
    return out


def _of_ticket(r: TicketRecord) -> list[Difference]:
    found: list[Difference] = []

    def add(kind: DifferenceKind, en: str, zh: str) -> None:
        found.append(Difference(r.number, r.service_code, r.state, kind, en, zh))

    last = visits_of(r)[-1]
    if r.state in ACTIVE_STATES:
        add(
            "still_open",
            f"ticket {r.number} is still {r.state.value} at the end of the day",
            f"{r.number}号日终仍为{state_zh(r.state)}",
        )
    elif r.state == TicketState.ABANDONED and last.state_at_end in AT_COUNTER:
        where = last.counter_number
        add(
            "left_at_counter",
            f"ticket {r.number} was left {last.state_at_end.value} at counter {where} at the "
            "rollover",
            f"{r.number}号在日切时仍在{where}号窗口（{state_zh(last.state_at_end)}），未办结",
        )
    logged = state_after(r)
    if logged != r.state:
        add(
            "state_mismatch",
            f"ticket {r.number} is {r.state.value} but its event log leads to {logged.value}",
            f"{r.number}号状态为{state_zh(r.state)}，但操作记录应为{state_zh(logged)}",
        )
    if r.print_status == "pending":
        add(
            "not_printed",
            f"ticket {r.number} was never reported printed",
            f"{r.number}号没有打印记录",
        )
    elif r.print_status == "failed":
        add(
            "print_failed",
            f"ticket {r.number}: its last print failed",
            f"{r.number}号最后一次打印失败",
        )
    return found
