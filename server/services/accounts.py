"""The server's use cases for accounts: users and devices (admin), log out, and who a bearer
token stands for (logging in: ``users.login``).

Built on the operations of ``services.users`` and ``services.devices``, which take an open
session and are shared with the offline admin CLI. argon2 (tens of milliseconds) runs before
the write unit opens, so ticket issuing never waits for a password.
"""

from __future__ import annotations

from datetime import datetime

from server.auth.errors import RoleRefused
from server.auth.principal import Principal
from server.contract.auth import (
    DeviceCreate,
    DeviceCreated,
    DevicePublic,
    DeviceRotated,
    Me,
    UserCreate,
    UserPublic,
)
from server.domain.audit import Acting
from server.services import audit, devices, users
from server.services.context import BranchContext
from server.services.errors import ActionRefused
from server.services.unit import Unit, reads, writes
from server.store.auth_tables import User


def user_public(user: User) -> UserPublic:
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


def create_user(ctx: BranchContext, body: UserCreate, *, by: Acting) -> UserPublic:
    password_hash = users.new_password_hash(body.password, username=body.username)
    with ctx.writing() as uow:
        user = users.create_user(
            uow.session,
            username=body.username,
            password_hash=password_hash,
            role=body.role,
            display_name=body.display_name,
            now=by.at,
            by=by,
        )
        return user_public(user)


@reads
def list_users(uow: Unit) -> list[UserPublic]:
    return [user_public(u) for u in users.list_users(uow.session)]


@writes
def disable_user(uow: Unit, username: str, *, disabled: bool, by: Acting) -> UserPublic:
    """Disable (or re-enable) a user; disabling ends their sessions. Not one's own account."""
    admin = by.actor
    if disabled and admin.kind == "user" and admin.name == username.strip().lower():
        raise ActionRefused(
            f"admin {admin.name!r} cannot disable their own account; ask another admin",
            "管理员不能停用自己的账户，请由另一位管理员操作",
        )
    user = users.disable_user(uow.session, username=username, disabled=disabled, now=by.at, by=by)
    return user_public(user)


def reset_password(ctx: BranchContext, username: str, password: str, *, by: Acting) -> UserPublic:
    """Set a new password; the user's open sessions end."""
    password_hash = users.new_password_hash(password, username=username)
    with ctx.writing() as uow:
        user = users.reset_password(
            uow.session, username=username, password_hash=password_hash, now=by.at, by=by
        )
        return user_public(user)


@writes
def log_out(uow: Unit, principal: Principal, *, token: str) -> Me:
    """End this user session; device tokens are not sessions (rotated or revoked instead)."""
    if principal.kind != "user":
        raise RoleRefused(
            f"device {principal.name!r} cannot log out: device tokens are rotated or revoked "
            "by an admin (POST /api/v1/admin/devices/{name}/rotate)",
            zh=f"设备 {principal.name} 不能注销：设备令牌由管理员更换或吊销",
        )
    now = uow.ctx.now()
    by = audit.acting(principal, now, uow.ctx.business_day(now))
    users.logout(uow.session, token=token, now=now, by=by)
    return Me(kind=principal.kind, id=principal.id, name=principal.name, role=principal.role)


@reads
def authenticate(uow: Unit, token: str, now: datetime) -> tuple[Principal, datetime | None] | None:
    """Who ``token`` stands for and until when (None: no expiry); None when it is unknown,
    expired or revoked."""
    return users.authenticate_token_until(uow.session, token, now)


# ---- devices -------------------------------------------------------------------------------


@writes
def register_device(uow: Unit, body: DeviceCreate, *, by: Acting) -> DeviceCreated:
    """Register a kiosk, display or panel bridge; the token is in this answer only."""
    device, token = devices.register_device(
        uow.session,
        name=body.name,
        role=body.role,
        now=by.at,
        by=by,
        heartbeat_interval_s=body.heartbeat_interval_s,
    )
    return DeviceCreated(device=device, token=token)


@reads
def list_devices(uow: Unit, *, include_revoked: bool = False) -> list[DevicePublic]:
    return devices.list_devices(uow.session, now=uow.ctx.now(), include_revoked=include_revoked)


@writes
def rotate_device(uow: Unit, name: str, *, grace_s: int, by: Acting) -> DeviceRotated:
    """A new token (in this answer only); the old one works ``grace_s`` more seconds."""
    device, token, until = devices.rotate_device(
        uow.session, name=name, now=by.at, by=by, grace_s=grace_s
    )
    return DeviceRotated(device=device, token=token, previous_valid_until=until)


@writes
def revoke_device(uow: Unit, name: str, *, by: Acting) -> DevicePublic:
    """Revoke a device: its token stops working at once."""
    return devices.revoke_device(uow.session, name=name, now=by.at, by=by)
