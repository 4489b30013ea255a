"""Teller endpoints (only for the counter the teller is signed in to) and read-only views.

A teller signs in to a counter by opening it; every other action on ``/counters/{n}/...``
answers 403 unless the caller is the teller signed in to counter n. Every action takes an
``Idempotency-Key`` header (one per key press): a retry with the same key on the same counter
answers the first answer (``replayed``: true) instead of acting twice
(``server.services.action_keys``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path
from pydantic import BaseModel

from server.api.context import BranchDep
from server.api.deps import require_roles
from server.auth.principal import Principal
from server.contract.common import Role
from server.contract.rest import (
    CallChosen,
    CounterActionResult,
    CounterInfo,
    ErrorBody,
    QueueInfo,
    TransferRequest,
    UnparkRequest,
)
from server.domain.desk import TellerAt
from server.services import action_keys, calls, counters, handling, views
from server.services.context import BranchContext

router = APIRouter(tags=["counters"])

TellerDep = Annotated[Principal, Depends(require_roles(Role.TELLER))]
ViewerDep = Annotated[
    Principal,
    Depends(
        require_roles(
            Role.DISPLAY,
            Role.TELLER,
            Role.ADMIN,
            Role.MANAGER,
            Role.TECHNICIAN,
            Role.PANEL_BRIDGE,
            Role.KIOSK,
            Role.RATING_PAD,
        )
    ),
]
CounterNumber = Annotated[int, Path(ge=1, le=999, description="the counter's number")]
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)
}

KeyDep = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="unique per key press (e.g. a UUID); a retry sends the same key",
    ),
]

_Action = Callable[[BranchContext, TellerAt], CounterActionResult]


def teller_at(n: int, who: Principal) -> TellerAt:
    return TellerAt(counter_number=n, user_id=who.id, name=who.name)


def _once(
    branch: BranchContext,
    n: int,
    who: Principal,
    key: str | None,
    action: str,
    body: BaseModel | None,
    run: Callable[[], CounterActionResult],
) -> CounterActionResult:
    request = f"{action} {body.model_dump_json() if body is not None else '{}'} by {who.id}"
    return action_keys.once(branch, counter_number=n, key=key, request=request, run=run)


def _act(
    action: _Action, branch: BranchContext, n: int, who: Principal, key: str | None, name: str
) -> CounterActionResult:
    def run() -> CounterActionResult:
        return action(branch, teller_at(n, who))

    return _once(branch, n, who, key, name, None, run)


@router.post("/counters/{n}/open", response_model=CounterActionResult, responses=_ERRORS)
def open_counter(
    n: CounterNumber, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    """Sign in to counter n and open it (also resumes it after a pause)."""
    return _act(counters.open_counter, branch, n, who, key, "open")


@router.post("/counters/{n}/pause", response_model=CounterActionResult, responses=_ERRORS)
def pause_counter(
    n: CounterNumber, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    return _act(counters.pause_counter, branch, n, who, key, "pause")


@router.post("/counters/{n}/close", response_model=CounterActionResult, responses=_ERRORS)
def close_counter(
    n: CounterNumber, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    """Close counter n and sign out (refused while it holds a ticket)."""
    return _act(counters.close_counter, branch, n, who, key, "close")


@router.post("/counters/{n}/call-next", response_model=CounterActionResult, responses=_ERRORS)
def call_next(
    n: CounterNumber, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    """Call the ticket the policy chooses; ``reason`` says why (``ticket`` null: none waits)."""
    return _act(calls.call_next, branch, n, who, key, "call-next")


@router.post("/counters/{n}/call", response_model=CounterActionResult, responses=_ERRORS)
def call_ticket(
    n: CounterNumber, body: CallChosen, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    """Call a waiting ticket chosen by its number."""

    def run() -> CounterActionResult:
        return calls.call_ticket(branch, teller_at(n, who), number=body.number)

    return _once(branch, n, who, key, "call", body, run)


@router.post("/counters/{n}/recall", response_model=CounterActionResult, responses=_ERRORS)
def recall(
    n: CounterNumber, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    return _act(calls.recall, branch, n, who, key, "recall")


@router.post("/counters/{n}/start", response_model=CounterActionResult, responses=_ERRORS)
def start(
    n: CounterNumber, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    return _act(handling.start, branch, n, who, key, "start")


@router.post("/counters/{n}/finish", response_model=CounterActionResult, responses=_ERRORS)
def finish(
    n: CounterNumber, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    return _act(handling.finish, branch, n, who, key, "finish")


@router.post("/counters/{n}/no-show", response_model=CounterActionResult, responses=_ERRORS)
def no_show(
    n: CounterNumber, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    return _act(handling.mark_no_show, branch, n, who, key, "no-show")


@router.post("/counters/{n}/park", response_model=CounterActionResult, responses=_ERRORS)
def park(
    n: CounterNumber, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    return _act(handling.park, branch, n, who, key, "park")


@router.post("/counters/{n}/unpark", response_model=CounterActionResult, responses=_ERRORS)
def unpark(
    n: CounterNumber, body: UnparkRequest, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    """Take a parked ticket (by number) back to this counter."""

    def run() -> CounterActionResult:
        return handling.unpark(branch, teller_at(n, who), number=body.number)

    return _once(branch, n, who, key, "unpark", body, run)


@router.post("/counters/{n}/cancel", response_model=CounterActionResult, responses=_ERRORS)
def cancel(
    n: CounterNumber, body: CallChosen, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    """Cancel a waiting ticket by number (the customer told the teller they leave)."""

    def run() -> CounterActionResult:
        return handling.cancel(branch, teller_at(n, who), number=body.number)

    return _once(branch, n, who, key, "cancel", body, run)


@router.post("/counters/{n}/transfer", response_model=CounterActionResult, responses=_ERRORS)
def transfer(
    n: CounterNumber, body: TransferRequest, branch: BranchDep, who: TellerDep, key: KeyDep = None
) -> CounterActionResult:
    """Send the counter's ticket (or a parked one) to another service's queue or counter."""

    def run() -> CounterActionResult:
        return handling.transfer(
            branch,
            teller_at(n, who),
            number=body.number,
            to_service=body.to_service.strip().upper() if body.to_service else None,
            to_counter=body.to_counter,
        )

    return _once(branch, n, who, key, "transfer", body, run)


@router.get("/counters", response_model=list[CounterInfo], responses=_ERRORS)
def list_counters(branch: BranchDep, who: ViewerDep) -> list[CounterInfo]:
    """Every counter: state, teller signed in, and the ticket it holds."""
    return views.counters_now(branch)


@router.get("/queues", response_model=list[QueueInfo], responses=_ERRORS)
def list_queues(branch: BranchDep, who: ViewerDep) -> list[QueueInfo]:
    """Every service's queue (people waiting, estimated wait, open counters)."""
    return views.queues_now(branch)
