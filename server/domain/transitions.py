"""Ticket states and the actions that move a ticket between them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from server.domain.errors import InvalidTransition
from server.domain.states import TicketState

W = TicketState.WAITING
C = TicketState.CALLED
S = TicketState.SERVING
P = TicketState.PARKED

ACTIVE_STATES: frozenset[TicketState] = frozenset({W, C, S, P})
"""Open tickets: still in the branch's queue or at a counter."""

HELD_STATES: frozenset[TicketState] = frozenset({C, S})
"""Held by a counter: a counter holds at most one ticket in these states."""

FINAL_STATES: frozenset[TicketState] = frozenset(TicketState) - ACTIVE_STATES
"""No action leaves these: DONE, NO_SHOW, CANCELLED, ABANDONED."""


class Action(StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no_show"
    PARK = "park"
    UNPARK = "unpark"
    CANCEL = "cancel"
    TRANSFER = "transfer"
    ABANDON = "abandon"


# action -> (states it accepts, state it leads to)
TRANSITIONS: Mapping[Action, tuple[frozenset[TicketState], TicketState]] = MappingProxyType(
    {
        Action.CALL: (frozenset({W}), C),
        Action.RECALL: (frozenset({C}), C),
        Action.START: (frozenset({C}), S),
        Action.FINISH: (frozenset({S}), TicketState.DONE),
        Action.NO_SHOW: (frozenset({C}), TicketState.NO_SHOW),
        Action.PARK: (frozenset({C, S}), P),
        Action.UNPARK: (frozenset({P}), C),
        Action.CANCEL: (frozenset({W}), TicketState.CANCELLED),
        Action.TRANSFER: (frozenset({C, S, P}), W),
        Action.ABANDON: (frozenset({W, C, S, P}), TicketState.ABANDONED),
    }
)


def allowed_from(action: Action) -> frozenset[TicketState]:
    """The states in which ``action`` is allowed."""
    return TRANSITIONS[Action(action)][0]


def next_state(number: str, state: TicketState, action: Action | str) -> TicketState:
    """The state ``action`` leads to; raises InvalidTransition naming ticket, state and need.

    >>> next_state("A042", TicketState.WAITING, Action.CALL)
    <TicketState.CALLED: 'CALLED'>
    """
    act = Action(action)
    sources, target = TRANSITIONS[act]
    if state not in sources:
        raise InvalidTransition(number, state, act.value, sources)
    return target
