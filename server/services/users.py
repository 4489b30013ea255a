"""Use cases for users and bearer tokens: create users, log in (rate-limited), authenticate.

All functions are synchronous and take an open SQLModel ``Session``; they commit themselves.
Times are passed in (``now``), never read from the clock here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, col, select

from server.auth.errors import (
    InvalidCredential,
    LoginFailed,
    LoginRateLimited,
    UnknownPrincipal,
    UserExists,
)
from server.auth.passwords import hash_password, needs_rehash, verify_password
from server.auth.principal import DEVICE_ROLES, USER_ROLES, Principal
from server.auth.tokens import hash_token, new_token
from server.contract.common import Role
from server.store.auth_tables import AuthToken, LoginFailure, User
from server.store.device_tables import DEFAULT_HEARTBEAT_INTERVAL_S, Device

__all__ = [
    "LoginFailed",
    "LoginPolicy",
    "LoginRateLimited",
    "authenticate_token",
    "authenticate_token_until",
    "create_device_token",
    "create_user",
    "disable_user",
    "list_users",
    "login",
    "logout",
    "reset_password",
]

NAME_MAX = 64


@dataclass(frozen=True)
class LoginPolicy:
    """Session lifetime and failed-login limits (per username and per client address)."""

    token_ttl_s: int = 12 * 3600
    max_failures_per_user: int = 5
    max_failures_per_ip: int = 20
    window_s: int = 300


def _clean_name(name: str, what: str) -> str:
    cleaned = name.strip().lower()
    if not cleaned or len(cleaned) > NAME_MAX or any(c.isspace() for c in cleaned):
        raise InvalidCredential(
            f"{what} {name!r} is not valid; expected 1-{NAME_MAX} characters without spaces"
        )
    return cleaned


def _check_role(role: Role | str, allowed: frozenset[Role], what: str) -> Role:
    try:
        parsed = Role(role)
    except ValueError:
        parsed = None
    if parsed is None or parsed not in allowed:
        expected = sorted(r.value for r in allowed)
        raise InvalidCredential(
            f"role {str(role)!r} is not a {what} role; expected one of {expected}"
        )
    return parsed


def _issue_token(
    session: Session,
    *,
    now: datetime,
    user_id: int | None = None,
    device_id: int | None = None,
    expires_at: datetime | None = None,
) -> str:
    token = new_token()
    session.add(
        AuthToken(
            token_hash=hash_token(token),
            user_id=user_id,
            device_id=device_id,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return token


# ---- users ---------------------------------------------------------------------------------


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role | str,
    display_name: str = "",
    now: datetime,
) -> User:
    """Create a user (admin, teller or technician) with an argon2-hashed password."""
    name = _clean_name(username, "username")
    parsed_role = _check_role(role, USER_ROLES, "user")
    password_hash = hash_password(password)  # before the transaction: argon2 takes a while
    if session.exec(select(User.id).where(User.username == name)).first() is not None:
        raise UserExists(f"user {name!r} already exists")
    user = User(
        username=name,
        display_name=display_name.strip() or name,
        role=parsed_role,
        password_hash=password_hash,
        created_at=now,
        password_changed_at=now,
    )
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def get_user(session: Session, *, username: str) -> User:
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise UnknownPrincipal(f"no user named {username!r}")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.username))).all())


def _revoke_user_tokens(session: Session, *, user_id: int, now: datetime) -> None:
    session.execute(
        update(AuthToken)
        .where(col(AuthToken.user_id) == user_id, col(AuthToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )


def disable_user(session: Session, *, username: str, disabled: bool = True, now: datetime) -> User:
    """Disable (or re-enable) a user; disabling ends all of the user's sessions."""
    user = get_user(session, username=username)
    user.disabled = disabled
    if disabled:
        assert user.id is not None
        _revoke_user_tokens(session, user_id=user.id, now=now)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def reset_password(session: Session, *, username: str, password: str, now: datetime) -> User:
    """Set a new password and end every session of the user."""
    password_hash = hash_password(password)  # before the transaction: argon2 takes a while
    user = get_user(session, username=username)
    user.password_hash = password_hash
    user.password_changed_at = now
    assert user.id is not None
    _revoke_user_tokens(session, user_id=user.id, now=now)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


# ---- login / logout ------------------------------------------------------------------------


def _retry_at(
    session: Session, *, column: str, value: str, limit: int, since: datetime, window: timedelta
) -> datetime | None:
    """When the failures for ``column == value`` in the window drop below ``limit``, or None."""
    field = col(LoginFailure.username) if column == "username" else col(LoginFailure.client_ip)
    recent = session.exec(
        select(LoginFailure.at)
        .where(field == value, col(LoginFailure.at) > since)
        .order_by(col(LoginFailure.at).desc())
        .limit(limit)
    ).all()
    if len(recent) < limit:
        return None
    return recent[-1] + window


def _check_rate_limit(
    session: Session, *, username: str, client_ip: str, now: datetime, policy: LoginPolicy
) -> None:
    window = timedelta(seconds=policy.window_s)
    since = now - window
    blocks = [
        (what, retry)
        for what, retry in (
            (
                f"user {username!r}",
                _retry_at(
                    session,
                    column="username",
                    value=username,
                    limit=policy.max_failures_per_user,
                    since=since,
                    window=window,
                ),
            ),
            (
                f"address {client_ip}",
                _retry_at(
                    session,
                    column="client_ip",
                    value=client_ip,
                    limit=policy.max_failures_per_ip,
                    since=since,
                    window=window,
                ),
            ),
        )
        if retry is not None
    ]
    if not blocks:
        return
    what, retry_at = max(blocks, key=lambda b: b[1])
    retry_after_s = max(1, int((retry_at - now).total_seconds() + 0.999))
    raise LoginRateLimited(
        f"too many failed logins for {what}; try again after {retry_at:%H:%M:%S} UTC "
        f"(in {retry_after_s} s)",
        retry_at=retry_at,
        retry_after_s=retry_after_s,
    )


def login(
    session: Session,
    *,
    username: str,
    password: str,
    now: datetime,
    client_ip: str,
    policy: LoginPolicy | None = None,
) -> tuple[str, Principal, datetime]:
    """Check the password and open a session: ``(token, principal, expires_at)``.

    Raises ``LoginRateLimited`` (checked first, before the password) or ``LoginFailed``.
    """
    policy = policy or LoginPolicy()
    name = username.strip().lower()[:NAME_MAX]
    ip = client_ip[:64]
    # 1. read: the rate limit and the user; then end the transaction so no lock is held
    #    while argon2 works (tens of milliseconds)
    _check_rate_limit(session, username=name, client_ip=ip, now=now, policy=policy)
    user = session.exec(select(User).where(User.username == name)).first()
    found = None if user is None else (user.id, user.username, Role(user.role), user.disabled)
    stored_hash = None if user is None else user.password_hash
    session.rollback()
    # 2. verify, outside any transaction
    ok = verify_password(stored_hash, password)
    new_hash = hash_password(password) if ok and stored_hash and needs_rehash(stored_hash) else None
    # 3. write: each branch starts with a write so SQLite takes the lock (with its busy timeout)
    session.execute(
        delete(LoginFailure).where(col(LoginFailure.at) <= now - timedelta(seconds=policy.window_s))
    )
    if found is None or not ok or found[3]:
        session.add(LoginFailure(username=name, client_ip=ip, at=now))
        session.commit()
        raise LoginFailed("wrong username or password, or the account is disabled")
    user_id, user_name, role, _ = found
    assert user_id is not None
    if new_hash is not None:
        session.execute(update(User).where(col(User.id) == user_id).values(password_hash=new_hash))
    session.execute(delete(LoginFailure).where(col(LoginFailure.username) == name))
    expires_at = now + timedelta(seconds=policy.token_ttl_s)
    token = _issue_token(session, now=now, user_id=user_id, expires_at=expires_at)
    session.commit()
    return token, Principal(kind="user", id=user_id, name=user_name, role=role), expires_at


def logout(session: Session, *, token: str, now: datetime) -> bool:
    """Revoke this token; True when it was active."""
    result = session.execute(
        update(AuthToken)
        .where(col(AuthToken.token_hash) == hash_token(token), col(AuthToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    session.commit()
    return bool(getattr(result, "rowcount", 0))


def authenticate_token(session: Session, token: str, now: datetime) -> Principal | None:
    """The principal a bearer token stands for, or None when unknown, expired or revoked."""
    found = authenticate_token_until(session, token, now)
    return None if found is None else found[0]


def authenticate_token_until(
    session: Session, token: str, now: datetime
) -> tuple[Principal, datetime | None] | None:
    """Like ``authenticate_token``, with the token's expiry (None: no expiry) for caches."""
    if not token or len(token) > 256:
        return None
    row = session.exec(
        select(AuthToken, User, Device)
        .outerjoin(User, col(User.id) == col(AuthToken.user_id))
        .outerjoin(Device, col(Device.id) == col(AuthToken.device_id))
        .where(col(AuthToken.token_hash) == hash_token(token))
    ).first()
    if row is None:
        return None
    tok, user, device = row
    if tok.revoked_at is not None or (tok.expires_at is not None and tok.expires_at <= now):
        return None
    if user is not None and user.id is not None and not user.disabled:
        principal = Principal(kind="user", id=user.id, name=user.username, role=Role(user.role))
        return principal, tok.expires_at
    if device is not None and device.id is not None and device.revoked_at is None:
        principal = Principal(kind="device", id=device.id, name=device.name, role=Role(device.role))
        return principal, tok.expires_at
    return None


# ---- devices -------------------------------------------------------------------------------


def create_device_token(
    session: Session,
    *,
    name: str,
    role: Role | str,
    now: datetime,
    heartbeat_interval_s: int = DEFAULT_HEARTBEAT_INTERVAL_S,
) -> str:
    """Register a device (kiosk, display, panel bridge) and return its token, shown only once.

    The token does not expire; revoking the device ends it.
    """
    device_name = _clean_name(name, "device name")
    parsed_role = _check_role(role, DEVICE_ROLES, "device")
    if heartbeat_interval_s < 1:
        raise InvalidCredential(
            f"heartbeat_interval_s is {heartbeat_interval_s}; expected at least 1 second"
        )
    if session.exec(select(Device.id).where(Device.name == device_name)).first() is not None:
        raise UserExists(f"device {device_name!r} already exists; revoke it or pick another name")
    device = Device(
        name=device_name,
        role=parsed_role,
        created_at=now,
        heartbeat_interval_s=heartbeat_interval_s,
    )
    session.add(device)
    session.flush()
    token = _issue_token(session, now=now, device_id=device.id)
    session.commit()
    return token


def count_active_tokens(session: Session, *, now: datetime) -> int:
    """Active (unrevoked, unexpired) tokens: for diagnostics."""
    return int(
        session.exec(
            select(func.count())
            .select_from(AuthToken)
            .where(
                col(AuthToken.revoked_at).is_(None),
                or_(col(AuthToken.expires_at).is_(None), col(AuthToken.expires_at) > now),
            )
        ).one()
    )
