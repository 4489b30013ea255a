"""``/auth``: log in (rate-limited), log out, who am I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status

from server.api.context import BranchDep
from server.api.deps import BearerTokenDep, LoginPolicyDep, PrincipalDep
from server.contract.auth import LoginRequest, LoginResponse, Me
from server.services import accounts, users

router = APIRouter(prefix="/auth", tags=["auth"])

_AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    status.HTTP_401_UNAUTHORIZED: {"description": "wrong username or password"},
    status.HTTP_429_TOO_MANY_REQUESTS: {"description": "too many failed logins (Retry-After)"},
}


@router.post("/login", responses=_AUTH_ERRORS)
def login(
    body: LoginRequest, request: Request, branch: BranchDep, policy: LoginPolicyDep
) -> LoginResponse:
    """Exchange a username and password for a bearer token (a user session)."""
    client_ip = request.client.host if request.client else "unknown"
    token, principal, expires_at = users.login(
        branch,
        username=body.username,
        password=body.password,
        now=branch.now(),
        client_ip=client_ip,
        policy=policy,
    )
    return LoginResponse(token=token, role=principal.role, expires_at=expires_at)


@router.post("/logout")
def logout(token: BearerTokenDep, principal: PrincipalDep, branch: BranchDep) -> Me:
    """End this user session (the token stops working at once). Device tokens are not
    sessions: an admin rotates (``/admin/devices/{name}/rotate``) or revokes them."""
    return accounts.log_out(branch, principal, token=token)


@router.get("/me")
def me(principal: PrincipalDep) -> Me:
    return Me(kind=principal.kind, id=principal.id, name=principal.name, role=principal.role)
