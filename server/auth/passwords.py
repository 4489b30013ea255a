"""Password hashing with argon2id (argon2-cffi). Plain passwords are never stored or logged."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.auth.password_policy import MIN_PASSWORD_LENGTH, check_password_policy

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "check_password_policy",
    "hash_password",
    "needs_rehash",
    "verify_password",
]

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): a login costs tens of
# milliseconds on a branch PC; hashes made with other parameters are upgraded at the next login
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# verified against when the username is unknown, so both cases cost the same time
_DUMMY_HASH = _hasher.hash("branchq-no-such-user")


def hash_password(password: str, *, username: str | None = None, check_policy: bool = True) -> str:
    """The argon2id hash of a new password; refuses a weak one first (``InvalidCredential``
    saying why). ``check_policy=False`` only re-hashes an existing password (at login)."""
    if check_policy:
        check_password_policy(password, username=username)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; with ``None`` it burns the same time and says False."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
