"""``/console`` (manager or admin role): the floor as it is now, and acknowledging alerts.

The console page itself (``GET /console``, no token: it holds no data and signs in with
``/auth/login``) is served by ``server.api.console_page``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from server.api.context import BranchDep
from server.api.deps import ManagerDep
from server.contract.alerts import AlertInfo
from server.contract.common import INT64_MAX
from server.contract.console import FloorView
from server.contract.rest import ErrorBody
from server.services import alerts, audit, floor

router = APIRouter(prefix="/console", tags=["console"])

_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)
}


@router.get("/floor", responses=_ERRORS)
def floor_view(_: ManagerDep, branch: BranchDep) -> FloorView:
    """Every queue (waiting, longest wait, estimate, target), every counter (state, teller,
    current ticket, when it was called and started) and the alerts."""
    return floor.floor_view(branch)


@router.post("/alerts/{alert_id}/acknowledge", responses=_ERRORS)
def acknowledge_alert(
    alert_id: Annotated[int, Path(ge=1, le=INT64_MAX)], who: ManagerDep, branch: BranchDep
) -> AlertInfo:
    """The manager has seen the alert: stored with their name and the time; every console
    and counter terminal is told. Again: the alert as it is. A cleared alert: 409."""
    by = audit.staff(branch, who)
    return alerts.acknowledge_alert(branch, alert_id=alert_id, by_name=who.name, acting=by)
