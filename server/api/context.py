"""The use-case context as a FastAPI dependency (``app.state.branch``, set by create_app).

Async on purpose: it does no I/O, and an async dependency costs no worker-thread hop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from server.services.context import BranchContext


async def get_branch(request: Request) -> BranchContext:
    branch: BranchContext = request.app.state.branch
    return branch


BranchDep = Annotated[BranchContext, Depends(get_branch)]
