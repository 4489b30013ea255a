"""``/admin`` (admin role): users, devices, runtime branch settings; emergency mode (admin or
manager role).

Branch settings (service open/closed, names, daily cap, target wait; counter skills; category
weights) change the database rows the use cases read on every call; a restart re-applies the
branch file's definitions (``server.store.seed``), keeping only a service's open/closed state.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from sqlalchemy import Engine
from sqlmodel import Session, col, delete, select

from server.api.context import AdminActingDep, BranchDep
from server.api.deps import AdminDep, EngineDep, ManagerDep, NowDep, SessionDep
from server.contract.auth import (
    CategorySettings,
    CategoryUpdate,
    CounterSkills,
    CounterSkillUpdate,
    DeviceCreate,
    DeviceCreated,
    DevicePublic,
    DeviceRotate,
    DeviceRotated,
    PasswordReset,
    ServiceSettings,
    ServiceUpdate,
    UserCreate,
    UserDisable,
    UserPublic,
)
from server.contract.common import COUNTER_NUMBER_MAX, Bilingual
from server.contract.emergency import EmergencyOn, EmergencyStatus, EmergencySwitchOut
from server.domain.audit import Acting, AuditAction
from server.domain.errors import UnknownEntity
from server.services import audit, devices, emergency, users
from server.services.errors import ActionRefused, BadRequest
from server.services.queues import publish_queues
from server.store.auth_tables import User
from server.store.db import write_session
from server.store.tables import CategoryWeight, Counter, CounterSkill, Service

router = APIRouter(prefix="/admin", tags=["admin"])


def _user_public(user: User) -> UserPublic:
    assert user.id is not None
    return UserPublic(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        disabled=user.disabled,
        created_at=user.created_at,
    )


# ---- users ---------------------------------------------------------------------------------


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, by: AdminActingDep, engine: EngineDep) -> UserPublic:
    # argon2 (tens of ms) before the write session: issuing never waits for it
    password_hash = users.new_password_hash(body.password, username=body.username)
    with write_session(engine) as session:
        user = users.create_user(
            session,
            username=body.username,
            password_hash=password_hash,
            role=body.role,
            display_name=body.display_name,
            now=by.at,
            by=by,
        )
    return _user_public(user)


@router.get("/users")
def list_users(_: AdminDep, session: SessionDep) -> list[UserPublic]:
    return [_user_public(u) for u in users.list_users(session)]


@router.post("/users/{username}/disable")
def disable_user(
    username: str, body: UserDisable, admin: AdminDep, by: AdminActingDep, engine: EngineDep
) -> UserPublic:
    """Disable (``{"disabled": true}``) or re-enable a user; disabling ends their sessions."""
    if body.disabled and admin.kind == "user" and admin.name == username.strip().lower():
        raise ActionRefused(
            f"admin {admin.name!r} cannot disable their own account; ask another admin",
            "管理员不能停用自己的账户，请由另一位管理员操作",
        )
    with write_session(engine) as session:
        user = users.disable_user(
            session, username=username, disabled=body.disabled, now=by.at, by=by
        )
    return _user_public(user)


@router.post("/users/{username}/password")
def reset_password(
    username: str, body: PasswordReset, by: AdminActingDep, engine: EngineDep
) -> UserPublic:
    """Set a new password; the user's open sessions end."""
    password_hash = users.new_password_hash(body.password, username=username)
    with write_session(engine) as session:
        user = users.reset_password(
            session, username=username, password_hash=password_hash, now=by.at, by=by
        )
    return _user_public(user)


# ---- devices -------------------------------------------------------------------------------


@router.post("/devices", status_code=status.HTTP_201_CREATED)
def register_device(body: DeviceCreate, by: AdminActingDep, engine: EngineDep) -> DeviceCreated:
    """Register a kiosk, display or panel bridge. The token is in this answer only."""
    with write_session(engine) as session:
        device, token = devices.register_device(
            session,
            name=body.name,
            role=body.role,
            now=by.at,
            by=by,
            heartbeat_interval_s=body.heartbeat_interval_s,
        )
    return DeviceCreated(device=device, token=token)


@router.get("/devices")
def list_devices(
    _: AdminDep,
    session: SessionDep,
    now: NowDep,
    include_revoked: bool = Query(default=True),
) -> list[DevicePublic]:
    return devices.list_devices(session, now=now, include_revoked=include_revoked)


@router.post("/devices/{name}/rotate")
def rotate_device(
    name: str, body: DeviceRotate, by: AdminActingDep, engine: EngineDep
) -> DeviceRotated:
    """A new token for the device (in this answer only); the old one keeps working for
    ``grace_s`` seconds, so the new one can be put on the device without a gap."""
    with write_session(engine) as session:
        device, token, until = devices.rotate_device(
            session, name=name, now=by.at, by=by, grace_s=body.grace_s
        )
    return DeviceRotated(device=device, token=token, previous_valid_until=until)


@router.post("/devices/{name}/revoke")
def revoke_device(name: str, by: AdminActingDep, engine: EngineDep) -> DevicePublic:
    """Revoke a device: its token stops working at once."""
    with write_session(engine) as session:
        return devices.revoke_device(session, name=name, now=by.at, by=by)


# ---- branch settings -----------------------------------------------------------------------


def _not_found(what: str, value: object, known: list[str]) -> UnknownEntity:
    return UnknownEntity(what, value, known)


def _service_settings(row: Service) -> ServiceSettings:
    return ServiceSettings(
        code=row.code,
        prefix=row.prefix,
        name=Bilingual(zh=row.name_zh, en=row.name_en),
        is_open=row.is_open,
        daily_cap=row.daily_cap,
        target_wait_s=row.target_wait_s,
    )


def _service_codes(session: Session) -> list[str]:
    return sorted(session.exec(select(Service.code)).all())


@router.get("/services")
def list_services(_: AdminDep, session: SessionDep) -> list[ServiceSettings]:
    rows = session.exec(select(Service).order_by(col(Service.sort_order))).all()
    return [_service_settings(r) for r in rows]


@router.patch("/services/{code}")
def update_service(
    code: str, body: ServiceUpdate, by: AdminActingDep, engine: EngineDep, branch: BranchDep
) -> ServiceSettings:
    """Open/close a service, rename it, change its daily cap (0 = none) or target wait."""
    settings = _update_service(code, body, engine, by)
    publish_queues(branch, reason=f"service {settings.code} updated")
    return settings


def _update_service(code: str, body: ServiceUpdate, engine: Engine, by: Acting) -> ServiceSettings:
    with write_session(engine) as session:
        row = session.get(Service, code.upper())
        if row is None:
            raise _not_found("service", code, _service_codes(session))
        if body.is_open is not None:
            row.is_open = body.is_open
        if body.name is not None:
            row.name_zh, row.name_en = body.name.zh, body.name.en
        if body.daily_cap is not None:
            row.daily_cap = body.daily_cap or None
        if body.target_wait_s is not None:
            row.target_wait_s = body.target_wait_s
        session.add(row)
        changes = body.model_dump(mode="json", exclude_none=True)
        audit.record(session, by, AuditAction.SERVICE_UPDATE, f"service:{row.code}", changes)
        session.flush()
        return _service_settings(row)


@router.put("/counters/{number}/skills")
def set_counter_skills(
    number: Annotated[int, Path(ge=1, le=COUNTER_NUMBER_MAX)],
    body: CounterSkillUpdate,
    by: AdminActingDep,
    engine: EngineDep,
    branch: BranchDep,
) -> CounterSkills:
    """Replace a counter's services and weights (weight > 0; services left out: not served)."""

    with write_session(engine) as session:
        if session.get(Counter, number) is None:
            known = [str(n) for n in sorted(session.exec(select(Counter.number)).all())]
            raise _not_found("counter", number, known)
        codes = _service_codes(session)
        for code, weight in body.skills.items():
            if code not in codes:
                raise BadRequest(
                    "skills",
                    f"unknown service code {code!r}; expected one of {codes}",
                    f"没有业务代码 {code}（可选：{'、'.join(codes)}）",
                )
            if not weight > 0:
                raise BadRequest(
                    f"skills.{code}",
                    f"weight {weight} must be greater than 0 "
                    "(leave a service out to stop serving it)",
                    f"权重 {weight} 必须大于 0（不办理的业务请不要列出）",
                )
        session.exec(delete(CounterSkill).where(col(CounterSkill.counter_number) == number))
        for code, weight in sorted(body.skills.items()):
            session.add(CounterSkill(counter_number=number, service_code=code, weight=weight))
        skills = {"skills": dict(sorted(body.skills.items()))}
        audit.record(session, by, AuditAction.COUNTER_SKILLS, f"counter:{number}", skills)
    publish_queues(branch, reason=f"counter {number} skills updated")
    return CounterSkills(counter_number=number, skills=dict(sorted(body.skills.items())))


@router.patch("/categories/{category}")
def update_category(
    category: str, body: CategoryUpdate, by: AdminActingDep, engine: EngineDep
) -> CategorySettings:
    """Change a customer category's weight in the call score."""
    with write_session(engine) as session:
        row = session.get(CategoryWeight, category.upper())
        if row is None:
            known = sorted(session.exec(select(CategoryWeight.category)).all())
            raise _not_found("category", category, known)
        row.weight = body.weight
        session.add(row)
        weight = {"weight": body.weight}
        audit.record(session, by, AuditAction.CATEGORY_UPDATE, f"category:{row.category}", weight)
        return CategorySettings(category=row.category, weight=row.weight)


# ---- emergency mode ------------------------------------------------------------------------


@router.get("/emergency")
def emergency_status(_: ManagerDep, branch: BranchDep) -> EmergencyStatus:
    return emergency.status(branch)


@router.post("/emergency/on")
def emergency_on(body: EmergencyOn, who: ManagerDep, branch: BranchDep) -> EmergencyStatus:
    """Stop issuing with a notice in both languages (``kind``: emergency or pause; ``drill``
    marks a practice run); again while on: changes the notice. Every screen is told."""
    return emergency.switch_on(branch, body, by=who)


@router.post("/emergency/off")
def emergency_off(who: ManagerDep, branch: BranchDep) -> EmergencyStatus:
    """Resume issuing; tickets waiting all along are called as before."""
    return emergency.switch_off(branch, by=who)


@router.get("/emergency/log")
def emergency_log(
    _: ManagerDep, branch: BranchDep, limit: int = Query(default=100, ge=1, le=500)
) -> list[EmergencySwitchOut]:
    """Every switch on and off, newest first: who, when, kind, drill, notice."""
    return emergency.switch_log(branch, limit=limit)
