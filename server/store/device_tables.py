"""Registered devices (kiosks, displays, panel bridges) and their last reported health."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.contract.common import DeviceStatus, Role
from server.store.types import UTCDateTime

DEFAULT_HEARTBEAT_INTERVAL_S = 30


class Device(SQLModel, table=True):
    __tablename__ = "device"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True, index=True)
    role: Role = Field(sa_type=sa.String(32))
    created_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    heartbeat_interval_s: int = DEFAULT_HEARTBEAT_INTERVAL_S
    last_heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: DeviceStatus = Field(default=DeviceStatus.UNKNOWN, sa_type=sa.String(16))
    detail: str = Field(default="", max_length=1000)
    last_error: str | None = Field(default=None, max_length=1000)
    last_error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DeviceComponent(SQLModel, table=True):
    """A part a device reports on: a kiosk's printer, each panel of a panel bridge."""

    __tablename__ = "device_component"
    __table_args__ = (sa.UniqueConstraint("device_id", "component_id"),)

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    component_id: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    status: DeviceStatus = Field(default=DeviceStatus.UNKNOWN, sa_type=sa.String(16))
    detail: str = Field(default="", max_length=1000)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=1000)
    last_error_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
