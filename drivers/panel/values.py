"""Value types shared by the panel protocols, the bus and the diagnostics."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

BLINK_FOREVER = 0xFFFF
"""Blink value meaning "until told otherwise" (0 means off, anything else is seconds)."""


class HealthStatus(StrEnum):
    OK = "ok"
    UNHEALTHY = "unhealthy"
    UNKNOWN = "unknown"  # never talked to it, or a protocol that does not acknowledge


@dataclass(frozen=True)
class PanelHealth:
    address: int
    status: HealthStatus = HealthStatus.UNKNOWN
    last_error: str | None = None
    advice: str | None = None  # what to check, from the last error's class
    last_round_trip_ms: float | None = None
    consecutive_failures: int = 0
    # optional features this panel refused (once), each "feature: why", e.g. blink at a
    # register the model lacks; they are not tried again
    unsupported: tuple[str, ...] = ()


@dataclass(frozen=True)
class PanelCapabilities:
    characters: int  # how many characters the panel shows
    charset: frozenset[str]  # characters it can show (after upper-casing when upper_only)
    acknowledges: bool  # answers each addressed frame
    can_read_back: bool  # can report the text it shows
    can_blink: bool  # for modbus: only with a blink register set for the panel's model
    upper_only: bool  # lower-case letters are shown as upper-case
    min_address: int
    max_address: int
    broadcast_address: int | None


@dataclass(frozen=True)
class Exchange:
    """One frame to send and how to treat its reply."""

    address: int
    request: bytes
    expects_reply: bool
    what: str  # e.g. "write text", for error messages
    read_registers: int = 0  # >0: this exchange reads back that many registers/characters
    raw_reply: bool = False  # the registers read are numbers: the reply comes back as hex
