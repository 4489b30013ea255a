"""Every action from every state: the allowed ones lead to the right state, the rest are refused
with a message naming the ticket, its state and what the action needs."""

from __future__ import annotations

import pytest

from server.contract.common import TicketState
from server.domain.errors import DomainError, InvalidTransition
from server.domain.transitions import (
    ACTIVE_STATES,
    FINAL_STATES,
    HELD_STATES,
    Action,
    allowed_from,
    next_state,
)

W, C, S, D = TicketState.WAITING, TicketState.CALLED, TicketState.SERVING, TicketState.DONE
P, N, X, AB = (
    TicketState.PARKED,
    TicketState.NO_SHOW,
    TicketState.CANCELLED,
    TicketState.ABANDONED,
)

VALID = {
    (Action.CALL, W): C,
    (Action.RECALL, C): C,
    (Action.START, C): S,
    (Action.FINISH, S): D,
    (Action.NO_SHOW, C): N,
    (Action.PARK, C): P,
    (Action.PARK, S): P,
    (Action.UNPARK, P): C,
    (Action.CANCEL, W): X,
    (Action.TRANSFER, C): W,
    (Action.TRANSFER, S): W,
    (Action.TRANSFER, P): W,
    (Action.ABANDON, W): AB,
    (Action.ABANDON, C): AB,
    (Action.ABANDON, S): AB,
    (Action.ABANDON, P): AB,
}

NEEDS = {
    Action.CALL: "WAITING",
    Action.RECALL: "CALLED",
    Action.START: "CALLED",
    Action.FINISH: "SERVING",
    Action.NO_SHOW: "CALLED",
    Action.PARK: "CALLED or SERVING",
    Action.UNPARK: "PARKED",
    Action.CANCEL: "WAITING",
    Action.TRANSFER: "CALLED or SERVING or PARKED",
    Action.ABANDON: "WAITING or CALLED or SERVING or PARKED",
}


@pytest.mark.parametrize(("action", "state"), sorted(VALID))
def test_valid_transition(action: Action, state: TicketState) -> None:
    assert next_state("A001", state, action) == VALID[(action, state)]
    assert state in allowed_from(action)


REFUSED = [(a, s) for a in Action for s in TicketState if (a, s) not in VALID]


@pytest.mark.parametrize(("action", "state"), REFUSED)
def test_refused_transition(action: Action, state: TicketState) -> None:
    with pytest.raises(InvalidTransition) as info:
        next_state("B017", state, action)
    err = info.value
    assert err.message == f"ticket B017 is {state.value}; {action.value} needs {NEEDS[action]}"
    assert (err.number, err.state, err.action) == ("B017", state, action.value)
    assert isinstance(err, DomainError)


def test_the_example_message() -> None:
    with pytest.raises(InvalidTransition, match=r"^ticket A042 is DONE; recall needs CALLED$"):
        next_state("A042", D, Action.RECALL)


def test_action_as_text() -> None:
    assert next_state("A001", W, "call") == C
    with pytest.raises(ValueError, match="'ring'"):
        next_state("A001", W, "ring")


def test_named_sets() -> None:
    assert {W, C, S, P} == ACTIVE_STATES
    assert {C, S} == HELD_STATES
    assert {D, N, X, AB} == FINAL_STATES
    for action in Action:
        for state in FINAL_STATES:
            assert state not in allowed_from(action)


def test_invalid_transition_accepts_one_state() -> None:
    assert InvalidTransition("V003", W, "start", C).message == (
        "ticket V003 is WAITING; start needs CALLED"
    )
