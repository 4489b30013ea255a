"""The counter terminal's reads: a counter's desk and the signed-in teller's figures today."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from server.api.context import BranchDep
from server.api.deps import require_roles
from server.auth.principal import Principal
from server.contract.common import Role
from server.contract.desk import CounterDesk, TellerToday
from server.contract.rest import ErrorBody
from server.services import desk

router = APIRouter(tags=["counters"])

TellerDep = Annotated[Principal, Depends(require_roles(Role.TELLER))]
StaffDep = Annotated[Principal, Depends(require_roles(Role.TELLER, Role.MANAGER, Role.ADMIN))]
CounterNumber = Annotated[int, Path(ge=1, le=999, description="the counter's number")]
_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 422)
}


@router.get("/counters/{n}/desk", response_model=CounterDesk, responses=_ERRORS)
def counter_desk(n: CounterNumber, branch: BranchDep, who: StaffDep) -> CounterDesk:
    """Counter n's ticket (with why it was called), the tickets it may call, its parked ones."""
    return desk.counter_desk(branch, counter_number=n)


@router.get("/tellers/me/today", response_model=TellerToday, responses=_ERRORS)
def my_day(branch: BranchDep, who: TellerDep) -> TellerToday:
    """The signed-in teller's figures today: served, no-shows, average service and wait."""
    return desk.teller_today(branch, teller_user_id=who.id, teller_name=who.name)
