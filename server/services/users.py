"""Use cases for users and bearer tokens: create users, log in (rate-limited), authenticate.

All functions but ``login`` are operations on an open SQLModel ``Session`` (the server's use
cases, ``services.accounts``, run them in a unit of work; the offline admin CLI in its own
session); they commit themselves. Times are passed in (``now``), never read from the clock here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

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
from server.domain.audit import Acting, Actor, AuditAction
from server.services import audit
from server.store.auth_tables import AuthToken, LoginFailure, User
from server.store.device_tables import DEFAULT_HEARTBEAT_INTERVAL_S, Device

if TYPE_CHECKING:
    from server.services.context import BranchContext

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
    "new_password_hash",
    "reset_password",
    "rotate_device_token",
]

NAME_MAX = 64


@dataclass(frozen=True)
class LoginPolicy:
    """Session lifetime and the failed-login throttle.

    Failures count per (username, client address) for ``window_s``. The first
    ``free_failures`` cost nothing; after that each next try of that user from that address
    waits 1 s, 2 s, 4 s ... up to ``max_delay_s`` after the last failure. There is no hard lock:
    nobody can lock a teller out by guessing, from another address the teller is unaffected,
    and the right password works as soon as the short wait is over.
    """

    token_ttl_s: int = 12 * 3600
    free_failures: int = 3
    max_delay_s: int = 60
    window_s: int = 900

    def delay_s(self, failures: int) -> int:
        """The wait after ``failures`` recent failures before the next try, seconds."""
        over = failures - self.free_failures
        if over <= 0:
            return 0
        return int(min(self.max_delay_s, 2 ** min(over - 1, 30)))


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


def new_password_hash(password: str, *, username: str) -> str:
    """Check a new password against the policy and hash it (argon2, tens of milliseconds):
    call it before opening the write session and pass the result as ``password_hash``."""
    return hash_password(password, username=_clean_name(username, "username"))


def _hash_of(password: str | None, password_hash: str | None, username: str) -> str:
    if password_hash is not None:
        return password_hash
    if password is None:
        raise InvalidCredential("no password given; expected a password")
    return new_password_hash(password, username=username)


def create_user(
    session: Session,
    *,
    username: str,
    password: str | None = None,
    password_hash: str | None = None,
    role: Role | str,
    display_name: str = "",
    now: datetime,
    by: Acting | None = None,
) -> User:
    """Create a user (admin, teller or technician) with an argon2-hashed password.

    Pass ``password_hash`` from ``new_password_hash`` when ``session`` is a write session, so
    argon2 does not run under the writer lock; ``password`` hashes here.
    """
    name = _clean_name(username, "username")
    parsed_role = _check_role(role, USER_ROLES, "user")
    password_hash = _hash_of(password, password_hash, name)
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
    audit.record(
        session,
        audit.by_or_setup(by, now),
        AuditAction.USER_CREATE,
        f"user:{name}",
        {"role": parsed_role.value, "display_name": user.display_name},
    )
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


def disable_user(
    session: Session,
    *,
    username: str,
    disabled: bool = True,
    now: datetime,
    by: Acting | None = None,
) -> User:
    """Disable (or re-enable) a user; disabling ends all of the user's sessions."""
    user = get_user(session, username=username)
    user.disabled = disabled
    if disabled:
        assert user.id is not None
        _revoke_user_tokens(session, user_id=user.id, now=now)
    session.add(user)
    action = AuditAction.USER_DISABLE if disabled else AuditAction.USER_ENABLE
    audit.record(session, audit.by_or_setup(by, now), action, f"user:{user.username}")
    session.commit()
    session.refresh(user)
    return user


def reset_password(
    session: Session,
    *,
    username: str,
    password: str | None = None,
    password_hash: str | None = None,
    now: datetime,
    by: Acting | None = None,
) -> User:
    """Set a new password and end every session of the user (``password_hash``: see
    ``create_user``)."""
    password_hash = _hash_of(password, password_hash, username)
    user = get_user(session, username=username)
    user.password_hash = password_hash
    user.password_changed_at = now
    assert user.id is not None
    _revoke_user_tokens(session, user_id=user.id, now=now)
    session.add(user)
    audit.record(
        session, audit.by_or_setup(by, now), AuditAction.USER_PASSWORD, f"user:{user.username}"
    )
    session.commit()
    session.refresh(user)
    return user


# ---- login / logout ------------------------------------------------------------------------


def _failures(
    session: Session, *, username: str, client_ip: str, since: datetime
) -> tuple[int, datetime | None]:
    """Failed logins of ``username`` from ``client_ip`` after ``since``: (count, last at)."""
    count, last = session.exec(
        select(func.count(), func.max(LoginFailure.at)).where(
            col(LoginFailure.username) == username,
            col(LoginFailure.client_ip) == client_ip,
            col(LoginFailure.at) > since,
        )
    ).one()
    return int(count), last


def _check_throttle(
    session: Session, *, username: str, client_ip: str, now: datetime, policy: LoginPolicy
) -> None:
    """Raise ``LoginRateLimited`` while this user may not try again from this address."""
    count, last = _failures(
        session,
        username=username,
        client_ip=client_ip,
        since=now - timedelta(seconds=policy.window_s),
    )
    delay_s = policy.delay_s(count)
    if not delay_s or last is None:
        return
    if last.tzinfo is None:  # SQLite gives naive UTC back
        last = last.replace(tzinfo=now.tzinfo)
    retry_at = last + timedelta(seconds=delay_s)
    if retry_at <= now:
        return
    retry_after_s = max(1, int((retry_at - now).total_seconds() + 0.999))
    raise LoginRateLimited(
        f"{count} failed logins for user {username!r} from {client_ip}; the next try is "
        f"possible in {retry_after_s} s (at {retry_at:%H:%M:%S} UTC). Each further failure "
        f"doubles the wait, up to {policy.max_delay_s} s; a successful login resets it.",
        retry_at=retry_at,
        retry_after_s=retry_after_s,
        zh=f"用户 {username} 从 {client_ip} 登录失败 {count} 次；请在 {retry_after_s} 秒后重试。"
        f"每多失败一次，等待时间加倍（最长 {policy.max_delay_s} 秒）；登录成功后清零。",
    )


@dataclass(frozen=True)
class _Candidate:
    name: str
    client_ip: str
    user: tuple[int, str, Role, bool] | None  # id, username, role, disabled
    stored_hash: str | None


def login(
    ctx: BranchContext,
    *,
    username: str,
    password: str,
    now: datetime,
    client_ip: str,
    day: date | None = None,
    policy: LoginPolicy | None = None,
) -> tuple[str, Principal, datetime]:
    """Check the password and open a session: ``(token, principal, expires_at)``.

    Three steps, so that argon2 (tens of milliseconds) never runs inside a transaction or
    under this process's writer lock, and ticket issuing never waits for a login:
    1. a read (the throttle and the user), 2. the password check with no database at all,
    3. a short write unit (record the failure, or open the session).

    Raises ``LoginRateLimited`` (checked before the password: a throttled try is not even
    checked, so guessing gains nothing: not audited either) or ``LoginFailed``. A success
    (``auth.login``) and a failure (``auth.login_failed``) are audited in step 3; ``day`` is
    the business day (default: the branch's, of ``now``).
    """
    policy = policy or LoginPolicy()
    day = day or ctx.business_day(now)
    name = username.strip().lower()[:NAME_MAX]
    ip = client_ip[:64]
    with ctx.reading() as uow:
        session = uow.session
        _check_throttle(session, username=name, client_ip=ip, now=now, policy=policy)
        user = session.exec(select(User).where(User.username == name)).first()
        candidate = _Candidate(
            name=name,
            client_ip=ip,
            user=None
            if user is None or user.id is None
            else (user.id, user.username, Role(user.role), user.disabled),
            stored_hash=None if user is None else user.password_hash,
        )
    ok = verify_password(candidate.stored_hash, password)
    stored = candidate.stored_hash
    new_hash = _hasher_upgrade(password) if ok and stored and needs_rehash(stored) else None
    with ctx.writing() as uow:
        opened = _finish_login(
            uow.session, candidate, ok=ok, new_hash=new_hash, now=now, day=day, policy=policy
        )
    if opened is None:
        raise LoginFailed("wrong username or password, or the account is disabled")
    return opened


def _hasher_upgrade(password: str) -> str:
    return hash_password(password, check_policy=False)  # an existing password: no new policy


def _finish_login(
    session: Session,
    candidate: _Candidate,
    *,
    ok: bool,
    new_hash: str | None,
    now: datetime,
    day: date | None,
    policy: LoginPolicy,
) -> tuple[str, Principal, datetime] | None:
    session.execute(
        delete(LoginFailure).where(col(LoginFailure.at) <= now - timedelta(seconds=policy.window_s))
    )
    user = candidate.user
    actor = (
        Actor("user", None, candidate.name, "")
        if user is None
        else Actor("user", user[0], user[1], user[2].value)
    )
    by = Acting(actor, now, day or now.astimezone(UTC).date())
    if user is None or not ok or user[3]:
        session.add(LoginFailure(username=candidate.name, client_ip=candidate.client_ip, at=now))
        why = "unknown user" if user is None else "disabled" if user[3] else "wrong password"
        details = {"client_ip": candidate.client_ip, "reason": why}
        audit.record(session, by, AuditAction.LOGIN_FAILED, f"user:{candidate.name}", details)
        return None
    user_id, user_name, role, _ = user
    if new_hash is not None:
        session.execute(update(User).where(col(User.id) == user_id).values(password_hash=new_hash))
    session.execute(
        delete(LoginFailure).where(
            col(LoginFailure.username) == candidate.name,
            col(LoginFailure.client_ip) == candidate.client_ip,
        )
    )
    expires_at = now + timedelta(seconds=policy.token_ttl_s)
    token = _issue_token(session, now=now, user_id=user_id, expires_at=expires_at)
    details = {"client_ip": candidate.client_ip, "expires_at": expires_at.isoformat()}
    audit.record(session, by, AuditAction.LOGIN, f"user:{user_name}", details)
    return token, Principal(kind="user", id=user_id, name=user_name, role=role), expires_at


def logout(session: Session, *, token: str, now: datetime, by: Acting) -> bool:
    """Revoke this token; True when it was active (and then audited)."""
    result = session.execute(
        update(AuthToken)
        .where(col(AuthToken.token_hash) == hash_token(token), col(AuthToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    ended = bool(getattr(result, "rowcount", 0))
    if ended:
        audit.record(session, by, AuditAction.LOGOUT, f"user:{by.actor.name}")
    session.commit()
    return ended


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
    by: Acting | None = None,
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
    audit.record(
        session,
        audit.by_or_setup(by, now),
        AuditAction.DEVICE_REGISTER,
        f"device:{device_name}",
        {"role": parsed_role.value, "heartbeat_interval_s": heartbeat_interval_s},
    )
    session.commit()
    return token


def rotate_device_token(
    session: Session, *, name: str, now: datetime, grace_s: int, by: Acting | None = None
) -> tuple[str, datetime]:
    """Give a device a new token; its current ones keep working ``grace_s`` seconds more (or
    less, when they end sooner). Returns the new token (shown once) and when the old end."""
    if grace_s < 0:
        raise InvalidCredential(f"grace_s is {grace_s}; expected 0 or more seconds")
    device = session.exec(select(Device).where(Device.name == name.strip().lower())).first()
    if device is None or device.id is None:
        raise UnknownPrincipal(f"no device named {name!r}", zh=f"没有名为 {name} 的设备")
    if device.revoked_at is not None:
        raise InvalidCredential(
            f"device {device.name!r} was revoked; register it again (create-device) instead",
            zh=f"设备 {device.name} 已被吊销，请重新注册",
        )
    until = now + timedelta(seconds=grace_s)
    active = (
        col(AuthToken.device_id) == device.id,
        col(AuthToken.revoked_at).is_(None),
    )
    session.execute(
        update(AuthToken)
        .where(*active, or_(col(AuthToken.expires_at).is_(None), col(AuthToken.expires_at) > until))
        .values(expires_at=until)
    )
    token = _issue_token(session, now=now, device_id=device.id)
    audit.record(
        session,
        audit.by_or_setup(by, now),
        AuditAction.DEVICE_ROTATE,
        f"device:{device.name}",
        {"grace_s": grace_s, "old_valid_until": until.isoformat()},
    )
    session.commit()
    return token, until


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
