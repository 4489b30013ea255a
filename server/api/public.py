"""Public endpoints (no token): health, the branch, services with queue and wait (a ticket's
status and phone page: ``server.api.ticket_page``)."""

from __future__ import annotations

from fastapi import APIRouter

from server.api.context import BranchDep
from server.contract.rest import BranchInfo, Health, QueueInfo
from server.services import branch as branch_service
from server.services import views

router = APIRouter(tags=["public"])


@router.get("/healthz", response_model=Health)
def healthz(branch: BranchDep) -> Health:
    """Liveness and database check."""
    return branch_service.health(branch)


@router.get("/branch", response_model=BranchInfo)
def branch_info(branch: BranchDep) -> BranchInfo:
    """The branch's names, time zone (kiosks print local times in it), the kiosk's menu, and
    the phone numbers and notices its screens show."""
    return branch_service.branch_info(branch)


@router.get("/services", response_model=list[QueueInfo])
def list_services(branch: BranchDep) -> list[QueueInfo]:
    """Every service with its names, open/closed, people waiting and the estimated wait."""
    return views.queues_now(branch)
