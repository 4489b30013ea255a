"""Kiosk endpoints: issue a ticket, report its print result."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, status

from server.api.context import BranchDep
from server.api.deps import require_roles
from server.auth.principal import Principal
from server.contract.common import Role
from server.contract.rest import (
    ErrorBody,
    PrintResult,
    PrintResultOut,
    TicketCreate,
    TicketIssuedOut,
)
from server.services import tickets
from server.services.issue_batch import IssueRequest
from server.services.issuer import TicketIssuer

router = APIRouter(tags=["kiosk"])

KioskDep = Annotated[Principal, Depends(require_roles(Role.KIOSK))]


_ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422, 429, 503)
}


@router.post(
    "/tickets",
    response_model=TicketIssuedOut,
    status_code=status.HTTP_201_CREATED,
    responses=_ERRORS,
)
async def issue_ticket(body: TicketCreate, request: Request, kiosk: KioskDep) -> TicketIssuedOut:
    """Issue a ticket. Retrying with the same ``idempotency_key`` returns the same ticket
    (``replayed: true``) instead of a second one."""
    issuer: TicketIssuer = request.app.state.issuer
    asked = IssueRequest(
        service_code=body.service_code.strip().upper(),
        category=body.category,
        language=body.language,
        idempotency_key=body.idempotency_key,
        appointment_at=body.appointment_at,
        device_id=kiosk.id if kiosk.kind == "device" else None,
    )
    return await issuer.issue(asked)


@router.post("/tickets/{public_id}/print-result", response_model=PrintResultOut, responses=_ERRORS)
def report_print_result(
    body: PrintResult,
    branch: BranchDep,
    kiosk: KioskDep,
    public_id: str = Path(min_length=8, max_length=32),
) -> PrintResultOut:
    """Record whether the ticket was printed (``failed`` needs a ``reason``)."""
    return tickets.report_print_result(
        branch,
        public_id=public_id,
        result=body,
        device_id=kiosk.id if kiosk.kind == "device" else None,
    )
