"""Wait alerts (the console's and the counter terminals'): one row per alert, raised, then
acknowledged by a manager and cleared when the wait fell back (``server.domain.staffing``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from server.domain.staffing import AlertKind, AlertState, SuggestionKind
from server.store.types import UTCDateTime, enum_column


def _dt(*, nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class WaitAlert(SQLModel, table=True):
    """One alert: the service and figure that passed its limit (seconds, at raise time), the
    suggestion made, the counters that could help, and who acknowledged it when."""

    __table_args__ = (Index("ix_waitalert_state", "state", "service_code"),)

    id: int | None = Field(default=None, primary_key=True)
    business_day: date
    service_code: str = Field(max_length=8)
    kind: AlertKind = enum_column(AlertKind, length=32)
    state: AlertState = enum_column(AlertState, default=AlertState.OPEN)
    value_s: int
    limit_s: int
    waiting: int
    suggestion: SuggestionKind = enum_column(SuggestionKind, length=16)
    suggested_counter: int | None = None
    helpers: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    raised_at: datetime = _dt(nullable=False)
    acknowledged_at: datetime | None = _dt()
    acknowledged_by: str | None = Field(default=None, max_length=64)
    cleared_at: datetime | None = _dt()
