"""Public endpoints (no token): health, the branch, services with queue and wait (a ticket's
status and phone page: ``server.api.ticket_page``)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from server.api.context import BranchDep
from server.contract.rest import BranchInfo, Health, QueueInfo
from server.services import branch as branch_service
from server.services.views import Names, queue_infos
from server.store.db import read_session

router = APIRouter(tags=["public"])


@router.get("/healthz", response_model=Health)
def healthz(branch: BranchDep) -> Health:
    """Liveness and database check."""
    with read_session(branch.engine) as session:
        session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    now = branch.now()
    return Health(database=branch.engine.dialect.name, business_day=str(branch.business_day(now)))


@router.get("/branch", response_model=BranchInfo)
def branch_info(branch: BranchDep) -> BranchInfo:
    """The branch's names, time zone (kiosks print local times in it), the kiosk's menu, and
    the phone numbers and notices its screens show."""
    return branch_service.branch_info(branch)


@router.get("/services", response_model=list[QueueInfo])
def list_services(branch: BranchDep) -> list[QueueInfo]:
    """Every service with its names, open/closed, people waiting and the estimated wait."""
    now = branch.now()
    with read_session(branch.engine) as session:
        return queue_infos(session, day=branch.business_day(now), names=Names(session))
