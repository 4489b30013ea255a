"""Enumerations and small value types shared by REST bodies and websocket events."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    """Base of every wire schema: unknown fields are refused, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TicketState(StrEnum):
    WAITING = "WAITING"
    CALLED = "CALLED"
    SERVING = "SERVING"
    DONE = "DONE"
    NO_SHOW = "NO_SHOW"
    CANCELLED = "CANCELLED"
    PARKED = "PARKED"
    ABANDONED = "ABANDONED"  # still open at the daily rollover


class CounterState(StrEnum):
    OPEN = "OPEN"
    PAUSED = "PAUSED"
    CLOSED = "CLOSED"


class Category(StrEnum):
    NORMAL = "NORMAL"
    PRIORITY = "PRIORITY"  # 优先: elderly, disabled, pregnant
    VIP = "VIP"  # 贵宾
    APPOINTMENT = "APPOINTMENT"  # 预约


class Language(StrEnum):
    ZH = "zh"
    EN = "en"


class Role(StrEnum):
    ADMIN = "admin"
    TELLER = "teller"
    TECHNICIAN = "technician"
    KIOSK = "kiosk"
    DISPLAY = "display"
    PANEL_BRIDGE = "panel_bridge"


class DeviceStatus(StrEnum):
    OK = "OK"
    WARNING = "WARNING"  # works, needs attention soon (paper near end)
    ERROR = "ERROR"  # does not work (paper out, cover open, panel not answering)
    UNKNOWN = "UNKNOWN"  # no report, or the device did not answer a status query


class Bilingual(WireModel):
    """A customer-facing text in Simplified Chinese and English."""

    zh: str
    en: str
