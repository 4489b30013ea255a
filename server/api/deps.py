"""FastAPI dependencies as ``Annotated`` aliases: settings, clock, caller.

``app.state`` is wired by ``server.main.create_app``: ``branch`` (the use cases'
``BranchContext``, see ``server.api.context``), ``settings`` (``server.config.Settings``) and
optionally ``clock`` (a callable returning an aware UTC datetime; tests pin time with it).
Routers open no database session: they call use cases (``server.services``) with the branch.

    @router.post("/x")
    def x(branch: BranchDep, who: Annotated[Principal, Depends(require_roles(Role.ADMIN))]):
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from server.auth.errors import NotAuthenticated, RoleRefused
from server.auth.principal import Principal
from server.config import Settings
from server.contract.common import Role
from server.services import accounts
from server.services.context import BranchContext
from server.services.token_cache import TokenCache, token_cache
from server.services.users import LoginPolicy

_BEARER_HINT = "send the header 'Authorization: Bearer <token>'"


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_now(request: Request) -> datetime:
    """The current time: ``app.state.clock()`` when set, else the system clock (UTC)."""
    return _now(request)


def _now(request: Request) -> datetime:
    clock: Callable[[], datetime] | None = getattr(request.app.state, "clock", None)
    return clock() if clock is not None else datetime.now(UTC)


def get_login_policy(settings: Annotated[Settings, Depends(get_settings)]) -> LoginPolicy:
    return LoginPolicy(
        token_ttl_s=settings.token_ttl_s,
        free_failures=settings.login_free_failures,
        max_delay_s=settings.login_max_delay_s,
        window_s=settings.login_window_s,
    )


SettingsDep = Annotated[Settings, Depends(get_settings)]
NowDep = Annotated[datetime, Depends(get_now)]
LoginPolicyDep = Annotated[LoginPolicy, Depends(get_login_policy)]


def _unauthorized(message: str, zh: str) -> NotAuthenticated:
    return NotAuthenticated(message, zh=zh)


async def get_bearer_token(request: Request) -> str:
    """The token of ``Authorization: Bearer <token>``; 401 naming what was wrong."""
    return _bearer_token(request)


def _bearer_token(request: Request) -> str:
    header = request.headers.get("authorization")
    if header is None:
        raise _unauthorized(f"no Authorization header; {_BEARER_HINT}", "请求未携带登录凭据")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise _unauthorized(
            f"Authorization scheme {scheme[:20]!r} is not supported; {_BEARER_HINT}",
            "登录凭据格式不正确（需要 Bearer 令牌）",
        )
    if not token.strip():
        raise _unauthorized(
            f"Authorization header has no token after 'Bearer'; {_BEARER_HINT}",
            "登录凭据中缺少令牌",
        )
    return token.strip()


BearerTokenDep = Annotated[str, Depends(get_bearer_token)]


async def get_principal(request: Request) -> Principal:
    """The authenticated caller; 401 when the token is unknown, expired or revoked.

    Answers from the process's short-lived token cache (``server.services.token_cache``: a
    few seconds, emptied at once by a change in this process) or reads the database in a
    worker thread with its own short read session. One dependency, no sub-dependencies:
    every authenticated request runs it.
    """
    token = _bearer_token(request)
    branch: BranchContext = request.app.state.branch
    now = _now(request)
    cache = token_cache(branch.engine)
    principal = cache.get(token, now)
    if principal is None:
        principal = await run_in_threadpool(_authenticate, cache, branch, token, now)
    if principal is None:
        raise _unauthorized(
            "bearer token is unknown, expired or revoked; log in again "
            "(POST /api/v1/auth/login) or ask an admin for a new device token",
            "登录已失效或令牌已被撤销，请重新登录或向管理员申请新的设备令牌",
        )
    return principal


def _authenticate(
    cache: TokenCache, branch: BranchContext, token: str, now: datetime
) -> Principal | None:
    generation = cache.generation()
    found = accounts.authenticate(branch, token, now)
    if found is None:
        return None
    cache.put(token, found[0], found[1], generation=generation)
    return found[0]


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that returns the caller when its role is one of ``roles``, else 403."""
    if not roles:
        raise ValueError("require_roles() needs at least one role")
    allowed = frozenset(roles)
    names = " or ".join(sorted(r.value for r in allowed))
    names_zh = " 或 ".join(sorted(r.value for r in allowed))

    async def dependency(request: Request) -> Principal:
        # get_principal called, not depended on: one dependency per request instead of two
        # (FastAPI's resolution costs more than the check; every protected route runs it)
        principal = await get_principal(request)
        if principal.role not in allowed:
            raise RoleRefused(
                f"this needs the role {names}; {principal.kind} {principal.name!r} "
                f"has the role {principal.role.value}",
                zh=f"此操作需要 {names_zh} 角色；{principal.name} 的角色是 {principal.role.value}",
            )
        return principal

    dependency.__name__ = f"require_{'_or_'.join(sorted(r.value for r in allowed))}"
    return dependency


AdminDep = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
# the branch manager's work (console, alerts, reports, complaints, emergency switch); admins too
ManagerDep = Annotated[Principal, Depends(require_roles(Role.MANAGER, Role.ADMIN))]
TechnicianDep = Annotated[Principal, Depends(require_roles(Role.TECHNICIAN, Role.ADMIN))]
DeviceDep = Annotated[
    Principal,
    Depends(require_roles(Role.KIOSK, Role.DISPLAY, Role.PANEL_BRIDGE, Role.RATING_PAD)),
]
