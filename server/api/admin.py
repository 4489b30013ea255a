"""``/admin`` (admin role): users, devices, runtime branch settings; emergency mode (admin or
manager role).

Branch settings: ``server.services.settings``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from server.api.context import AdminActingDep, BranchDep
from server.api.deps import AdminDep, ManagerDep
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
from server.contract.common import COUNTER_NUMBER_MAX
from server.contract.emergency import EmergencyOn, EmergencyStatus, EmergencySwitchOut
from server.services import accounts, emergency, settings

router = APIRouter(prefix="/admin", tags=["admin"])


# ---- users ---------------------------------------------------------------------------------


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, by: AdminActingDep, branch: BranchDep) -> UserPublic:
    return accounts.create_user(branch, body, by=by)


@router.get("/users")
def list_users(_: AdminDep, branch: BranchDep) -> list[UserPublic]:
    return accounts.list_users(branch)


@router.post("/users/{username}/disable")
def disable_user(
    username: str, body: UserDisable, by: AdminActingDep, branch: BranchDep
) -> UserPublic:
    """Disable (``{"disabled": true}``) or re-enable a user; disabling ends their sessions."""
    return accounts.disable_user(branch, username, disabled=body.disabled, by=by)


@router.post("/users/{username}/password")
def reset_password(
    username: str, body: PasswordReset, by: AdminActingDep, branch: BranchDep
) -> UserPublic:
    """Set a new password; the user's open sessions end."""
    return accounts.reset_password(branch, username, body.password, by=by)


# ---- devices -------------------------------------------------------------------------------


@router.post("/devices", status_code=status.HTTP_201_CREATED)
def register_device(body: DeviceCreate, by: AdminActingDep, branch: BranchDep) -> DeviceCreated:
    """Register a kiosk, display or panel bridge. The token is in this answer only."""
    return accounts.register_device(branch, body, by=by)


@router.get("/devices")
def list_devices(
    _: AdminDep, branch: BranchDep, include_revoked: bool = Query(default=True)
) -> list[DevicePublic]:
    return accounts.list_devices(branch, include_revoked=include_revoked)


@router.post("/devices/{name}/rotate")
def rotate_device(
    name: str, body: DeviceRotate, by: AdminActingDep, branch: BranchDep
) -> DeviceRotated:
    """A new token for the device (in this answer only); the old one keeps working for
    ``grace_s`` seconds, so the new one can be put on the device without a gap."""
    return accounts.rotate_device(branch, name, grace_s=body.grace_s, by=by)


@router.post("/devices/{name}/revoke")
def revoke_device(name: str, by: AdminActingDep, branch: BranchDep) -> DevicePublic:
    """Revoke a device: its token stops working at once."""
    return accounts.revoke_device(branch, name, by=by)


# ---- branch settings -----------------------------------------------------------------------


@router.get("/services")
def list_services(_: AdminDep, branch: BranchDep) -> list[ServiceSettings]:
    return settings.list_services(branch)


@router.patch("/services/{code}")
def update_service(
    code: str, body: ServiceUpdate, by: AdminActingDep, branch: BranchDep
) -> ServiceSettings:
    """Open/close a service, rename it, change its daily cap (0 = none) or target wait."""
    return settings.update_service(branch, code, body, by=by)


@router.put("/counters/{number}/skills")
def set_counter_skills(
    number: Annotated[int, Path(ge=1, le=COUNTER_NUMBER_MAX)],
    body: CounterSkillUpdate,
    by: AdminActingDep,
    branch: BranchDep,
) -> CounterSkills:
    """Replace a counter's services and weights (weight > 0; services left out: not served)."""
    return settings.set_counter_skills(branch, number, body.skills, by=by)


@router.patch("/categories/{category}")
def update_category(
    category: str, body: CategoryUpdate, by: AdminActingDep, branch: BranchDep
) -> CategorySettings:
    """Change a customer category's weight in the call score."""
    return settings.update_category(branch, category, body, by=by)


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
