"""Enumerations and small value types shared by REST bodies and websocket events."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

# the queue's states and categories are the domain's; the wire uses the same enums
from server.domain.states import Category, CounterState, TicketState

INT64_MAX = 2**63 - 1
"""Every integer on the wire fits a signed 64-bit database column; most are bounded tighter."""

COUNTER_NUMBER_MAX = 999

CounterNumber = Annotated[int, Field(ge=1, le=COUNTER_NUMBER_MAX)]
"""A counter's number (窗口号), as tellers and panels show it."""

TicketNumber = Annotated[str, Field(min_length=2, max_length=12, examples=["A042"])]
"""A printed ticket number: the service's prefix letter and its digits."""

ServiceCode = Annotated[str, Field(min_length=1, max_length=8, examples=["A"])]

Weight = Annotated[float, Field(ge=0, le=1000)]
"""A preference weight in the call score (unitless, finite)."""


__all__ = [
    "COUNTER_NUMBER_MAX",
    "INT64_MAX",
    "Bilingual",
    "Category",
    "CounterNumber",
    "CounterState",
    "DeviceStatus",
    "Language",
    "Role",
    "ServiceCode",
    "TicketNumber",
    "TicketState",
    "Weight",
    "WireModel",
]


class WireModel(BaseModel):
    """Base of every wire schema: unknown fields are refused, values are frozen, floats are
    finite."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class WireInput(WireModel):
    """Base of every request body: besides the field's own bounds, every value is one the
    store and the other end can hold: integers within 64 bits, text without unpaired
    surrogates or NUL characters (422 naming the field, never a 500 further in). Answers and
    events are not checked again: they may quote what a client sent, escaped."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        _check_storable(value)
        return value


def _check_storable(value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(
                "text must be valid Unicode (an unpaired surrogate was sent)"
            ) from None
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not -INT64_MAX - 1 <= value <= INT64_MAX:
            raise ValueError(f"integer out of range; expected at most {INT64_MAX}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_storable(key)
            _check_storable(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _check_storable(item)
    elif isinstance(value, BaseModel):
        for item in value.__dict__.values():
            _check_storable(item)


class Language(StrEnum):
    ZH = "zh"
    EN = "en"


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"  # runs the floor: console, alerts, reports, emergency switch
    TELLER = "teller"
    TECHNICIAN = "technician"
    KIOSK = "kiosk"
    DISPLAY = "display"
    PANEL_BRIDGE = "panel_bridge"
    RATING_PAD = "rating_pad"  # the customer-facing rating screen at a counter (评价器)


class DeviceStatus(StrEnum):
    OK = "OK"
    WARNING = "WARNING"  # works, needs attention soon (paper near end)
    ERROR = "ERROR"  # does not work (paper out, cover open, panel not answering)
    UNKNOWN = "UNKNOWN"  # no report, or the device did not answer a status query


class Bilingual(WireModel):
    """A customer-facing text in Simplified Chinese and English."""

    zh: str
    en: str
