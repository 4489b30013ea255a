"""The auth exception tree (see the package docstring).

Every error says what happened in English (``.message``, also ``str(exc)``) and Simplified
Chinese (``.zh``; each class has a default sentence, a raise site may give a more precise one).
"""

from __future__ import annotations

from datetime import datetime


class AuthError(Exception):
    """Base of every auth error."""

    ZH = "身份验证失败"

    def __init__(self, message: str, *, zh: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.zh = zh if zh is not None else self.ZH


class NotAuthenticated(AuthError):
    """No usable bearer token: missing, malformed, unknown, expired or revoked (HTTP 401)."""

    ZH = "未登录或登录已失效，请重新登录"


class RoleRefused(AuthError):
    """The caller is authenticated but its role may not do this (HTTP 403)."""

    ZH = "当前账户无权执行此操作"


class LoginFailed(AuthError):
    """Wrong username or password, or the account is disabled (deliberately not told apart)."""

    ZH = "用户名或密码错误，或账户已停用"


class LoginRateLimited(AuthError):
    """Too many failed logins for this username or client address."""

    ZH = "登录失败次数过多，请稍后重试"

    def __init__(
        self, message: str, *, retry_at: datetime, retry_after_s: int, zh: str | None = None
    ) -> None:
        super().__init__(message, zh=zh or f"登录失败次数过多，请在 {retry_after_s} 秒后重试")
        self.retry_at = retry_at
        self.retry_after_s = retry_after_s


class UserExists(AuthError):
    """A user or device with this name already exists."""

    ZH = "该名称已被使用"


class UnknownPrincipal(AuthError):
    """No user or device with this name."""

    ZH = "找不到该用户或设备"


class InvalidCredential(AuthError):
    """A password, name or role that cannot be accepted."""

    ZH = "用户名、角色或密码不符合要求"
