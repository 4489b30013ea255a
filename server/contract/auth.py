"""REST bodies for auth, users, devices and device health (``/api/v1/auth``, ``/admin``,
``/devices``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from server.contract.common import (
    Bilingual,
    DeviceStatus,
    Role,
    ServiceCode,
    Weight,
    WireInput,
    WireModel,
)

# ---- auth ----------------------------------------------------------------------------------


class LoginRequest(WireInput):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class LoginResponse(WireModel):
    token: str  # send as "Authorization: Bearer <token>"
    role: Role
    expires_at: datetime


class Me(WireModel):
    kind: Literal["user", "device"]
    id: int
    name: str
    role: Role


# ---- users (admin) -------------------------------------------------------------------------


class UserCreate(WireInput):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=8, max_length=1024)
    role: Literal[Role.ADMIN, Role.MANAGER, Role.TELLER, Role.TECHNICIAN]
    display_name: str = Field(default="", max_length=128)


class UserPublic(WireModel):
    id: int
    username: str
    display_name: str
    role: Role
    disabled: bool
    created_at: datetime


class PasswordReset(WireInput):
    password: str = Field(min_length=8, max_length=1024)


class UserDisable(WireInput):
    disabled: bool = True


# ---- devices -------------------------------------------------------------------------------


class DeviceCreate(WireInput):
    name: str = Field(min_length=1, max_length=64)
    role: Literal[Role.KIOSK, Role.DISPLAY, Role.PANEL_BRIDGE, Role.RATING_PAD]
    heartbeat_interval_s: int = Field(default=30, ge=1, le=3600)  # seconds


class ComponentHealth(WireModel):
    id: str
    kind: str  # "printer", "panel", ...
    status: DeviceStatus
    detail: str = ""
    updated_at: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None


class DevicePublic(WireModel):
    id: int
    name: str
    kind: Role  # kiosk, display, panel_bridge
    status: DeviceStatus  # UNKNOWN when silent for more than 3 heartbeat intervals
    detail: str
    last_heartbeat_at: datetime | None
    heartbeat_interval_s: int
    last_error: str | None
    last_error_at: datetime | None
    revoked: bool
    components: list[ComponentHealth]


class DeviceCreated(WireModel):
    device: DevicePublic
    token: str  # shown once; only its hash is stored


class DeviceRotate(WireInput):
    # how long the device's current token keeps working, so the new one can be put in place
    grace_s: int = Field(default=3600, ge=0, le=7 * 24 * 3600)  # seconds


class DeviceRotated(WireModel):
    device: DevicePublic
    token: str  # the new token, shown once
    previous_valid_until: datetime  # when the old token(s) stop working


class ComponentReport(WireInput):
    id: str = Field(min_length=1, max_length=64)
    kind: str = Field(min_length=1, max_length=32)
    status: DeviceStatus
    detail: str = Field(default="", max_length=1000)


class Heartbeat(WireInput):
    status: DeviceStatus
    detail: str = Field(default="", max_length=1000)
    components: list[ComponentReport] = Field(default_factory=list, max_length=64)
    interval_s: int | None = Field(default=None, ge=1, le=3600)  # next heartbeat within, s


class HeartbeatAck(WireModel):
    device: DevicePublic
    changed: list[str]  # ids whose status changed ("<device>" or "<device>/<component>")


# ---- branch settings (admin) ---------------------------------------------------------------


class ServiceUpdate(WireInput):
    """Fields to change on a service; omitted fields stay as they are."""

    is_open: bool | None = None
    name: Bilingual | None = None
    daily_cap: int | None = Field(default=None, ge=0, le=1_000_000)  # 0 = no cap
    target_wait_s: int | None = Field(default=None, ge=1, le=86_400)  # seconds

    @field_validator("name")
    @classmethod
    def _short_names(cls, value: Bilingual | None) -> Bilingual | None:
        if value is not None and not (0 < len(value.zh) <= 64 and 0 < len(value.en) <= 64):
            raise ValueError("each name needs 1 to 64 characters")
        return value


class CounterSkillUpdate(WireInput):
    # service code -> weight (> 0); services left out are not served
    skills: dict[ServiceCode, Weight] = Field(max_length=64)


class CategoryUpdate(WireInput):
    weight: Weight


class ServiceSettings(WireModel):
    code: str
    prefix: str
    name: Bilingual
    is_open: bool
    daily_cap: int | None  # None: no cap
    target_wait_s: int


class CounterSkills(WireModel):
    counter_number: int
    skills: dict[str, float]


class CategorySettings(WireModel):
    category: str
    weight: float
