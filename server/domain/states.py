"""The states of tickets and counters and the customer categories: the queue's own words.

Defined here, in the domain; the wire contract (``server.contract.common``) re-exports them and
the tables store them as enum columns, so every layer speaks of the same values.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Category", "CounterState", "TicketState"]


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
