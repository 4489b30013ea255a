"""Tables for users, bearer tokens and failed-login records.

Datetimes are stored in UTC and always read back timezone-aware (``UTCDateTime``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.contract.common import Role
from server.store.types import UTCDateTime


class User(SQLModel, table=True):
    __tablename__ = "auth_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(default="", max_length=128)
    role: Role = Field(sa_type=sa.String(32))
    password_hash: str = Field(max_length=255)
    disabled: bool = False
    created_at: datetime = Field(sa_type=UTCDateTime)
    password_changed_at: datetime = Field(sa_type=UTCDateTime)


class AuthToken(SQLModel, table=True):
    """A bearer token (only its SHA-256 hash). Exactly one of user_id/device_id is set."""

    __tablename__ = "auth_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int | None = Field(default=None, foreign_key="auth_user.id", index=True)
    device_id: int | None = Field(default=None, foreign_key="device.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # None: until revoked
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginFailure(SQLModel, table=True):
    """One failed login, kept for the rate limit's window (survives a restart)."""

    __tablename__ = "auth_login_failure"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)
    client_ip: str = Field(max_length=64, index=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
