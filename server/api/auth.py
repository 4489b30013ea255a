"""``/auth``: log in (rate-limited), log out, who am I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status

from server.api.context import BranchDep
from server.api.deps import (
    BearerTokenDep,
    EngineDep,
    LoginPolicyDep,
    NowDep,
    PrincipalDep,
)
from server.auth.errors import RoleRefused
from server.contract.auth import LoginRequest, LoginResponse, Me
from server.services import audit, users
from server.store.db import write_session

router = APIRouter(prefix="/auth", tags=["auth"])

_AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    status.HTTP_401_UNAUTHORIZED: {"description": "wrong username or password"},
    status.HTTP_429_TOO_MANY_REQUESTS: {"description": "too many failed logins (Retry-After)"},
}


@router.post("/login", responses=_AUTH_ERRORS)
def login(
    body: LoginRequest,
    request: Request,
    engine: EngineDep,
    now: NowDep,
    policy: LoginPolicyDep,
    branch: BranchDep,
) -> LoginResponse:
    """Exchange a username and password for a bearer token (a user session)."""
    client_ip = request.client.host if request.client else "unknown"
    token, principal, expires_at = users.login(
        engine,
        username=body.username,
        password=body.password,
        now=now,
        client_ip=client_ip,
        day=branch.business_day(now),
        policy=policy,
    )
    return LoginResponse(token=token, role=principal.role, expires_at=expires_at)


@router.post("/logout")
def logout(
    token: BearerTokenDep,
    principal: PrincipalDep,
    engine: EngineDep,
    now: NowDep,
    branch: BranchDep,
) -> Me:
    """End this user session (the token stops working at once). Device tokens are not
    sessions: an admin rotates (``/admin/devices/{name}/rotate``) or revokes them."""
    if principal.kind != "user":
        raise RoleRefused(
            f"device {principal.name!r} cannot log out: device tokens are rotated or revoked "
            "by an admin (POST /api/v1/admin/devices/{name}/rotate)",
            zh=f"设备 {principal.name} 不能注销：设备令牌由管理员更换或吊销",
        )
    with write_session(engine) as session:
        by = audit.acting(principal, now, branch.business_day(now))
        users.logout(session, token=token, now=now, by=by)
    return Me(kind=principal.kind, id=principal.id, name=principal.name, role=principal.role)


@router.get("/me")
def me(principal: PrincipalDep) -> Me:
    return Me(kind=principal.kind, id=principal.id, name=principal.name, role=principal.role)
