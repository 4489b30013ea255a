"""The auth exception tree (see the package docstring)."""

from __future__ import annotations

from datetime import datetime


class AuthError(Exception):
    """Base of every auth error."""


class LoginFailed(AuthError):
    """Wrong username or password, or the account is disabled (deliberately not told apart)."""


class LoginRateLimited(AuthError):
    """Too many failed logins for this username or client address."""

    def __init__(self, message: str, *, retry_at: datetime, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_at = retry_at
        self.retry_after_s = retry_after_s


class UserExists(AuthError):
    """A user or device with this name already exists."""


class UnknownPrincipal(AuthError):
    """No user or device with this name."""


class InvalidCredential(AuthError):
    """A password, name or role that cannot be accepted."""
