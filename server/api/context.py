"""The use-case context as a FastAPI dependency (``app.state.branch``, set by create_app).

Async on purpose: it does no I/O, and an async dependency costs no worker-thread hop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from server.api.deps import AdminDep, NowDep
from server.domain.audit import Acting
from server.services import audit
from server.services.context import BranchContext


async def get_branch(request: Request) -> BranchContext:
    branch: BranchContext = request.app.state.branch
    return branch


BranchDep = Annotated[BranchContext, Depends(get_branch)]


async def get_admin_acting(admin: AdminDep, branch: BranchDep, now: NowDep) -> Acting:
    """The admin of this request acting now, for the audit trail."""
    return audit.acting(admin, now, branch.business_day(now))


AdminActingDep = Annotated[Acting, Depends(get_admin_acting)]
