"""Which waiting tickets call-next must look at: the heads of the candidate groups.

``WeightedPolicy`` scores a waiting ticket for a counter as

    category weight x counter weight        the same for every ticket of a group (below)
    + minutes waited x aging_per_min        grows with the wait
    + breach_bonus once over the target     grows (a step) with the wait
    + appointment_bonus in the slot window  the only part that does not follow the wait

where a *group* is the waiting tickets of one service and one category transferred to no
counter. The weights and bonuses are never negative
(``PolicyConfig`` refuses it), so within a group a ticket without the appointment bonus never
scores more than the group's earliest ticket by (arrived_at, issue_seq), and a ticket with the
bonus never scores more than the earliest ticket with the bonus; both come later in that
first-come order, which breaks ties. The max-wait rule takes the earliest overdue ticket and the
ratio rule the best NORMAL one: both are heads too. So the policy's choice among the heads is its
choice among the whole queue, and the store need only find, per group, two rows in an index:
the earliest ticket, and the earliest whose appointment is within the window.

The tickets transferred to this counter are read whole: each is one teller's transfer of one
customer, so they are a handful whatever the length of the queue (one short index range),
where their groups would be two look-ups for every service and category of the branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from server.domain.model import BranchConfig, CounterDef
from server.domain.states import Category

# Within a group the best ticket is the first in this order (ascending): the original arrival,
# then the global issue order (the ticket's ``issue_seq``, the row id in the store).
HEAD_ORDER = ("arrived_at", "issue_seq")


class Group(NamedTuple):
    """Waiting tickets of one service and category transferred to no counter: the score tells
    them apart only by their wait and appointment."""

    service_code: str
    category: Category


@dataclass(frozen=True)
class HeadQuery:
    """What call-next needs from the store for one counter at one instant: for every group,
    its first ticket in ``HEAD_ORDER``, and its first ticket whose ``appointment_at`` lies in
    [appointment_from, appointment_to] (both ends included); and every waiting ticket
    transferred to ``counter_number``.

    untransferred: groups of tickets transferred to no counter (services the counter serves).
    """

    counter_number: int
    untransferred: tuple[Group, ...]
    appointment_from: datetime
    appointment_to: datetime


def head_query(config: BranchConfig, counter: CounterDef, now: datetime) -> HeadQuery:
    """What a counter may take (``CounterDef.may_take``): the groups of the services it serves,
    not transferred; and the tickets of any service transferred to this counter."""
    window = timedelta(seconds=config.policy.appointment_window_s)
    return HeadQuery(
        counter_number=counter.number,
        untransferred=tuple(Group(code, cat) for code in counter.served() for cat in Category),
        appointment_from=now - window,
        appointment_to=now + window,
    )
