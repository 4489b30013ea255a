"""Column types shared by the store's tables."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, DateTime, Enum
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC; SQLite (no time zones) gets naive UTC text.

    Values read back are always aware UTC datetimes; a naive value is refused on write.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}; expected a timezone-aware one")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _values(enum_cls: type[StrEnum]) -> list[str]:
    return [member.value for member in enum_cls]


def enum_column(
    enum_cls: type[StrEnum], *, length: int = 16, default: Any = None, primary_key: bool = False
) -> Any:
    """A column of one of the domain's enums (``TicketState``, ``Category``, ...).

    Stored as its value in a VARCHAR (no database enum type, no CHECK: adding a state needs no
    migration); read back as the enum member; a string that is not a member is refused on
    write.
    """

    column: Column[Any] = Column(
        Enum(
            enum_cls,
            native_enum=False,
            create_constraint=False,
            length=length,
            values_callable=_values,
            validate_strings=True,
        ),
        nullable=False,
        primary_key=primary_key,
    )
    return Field(default=default, sa_column=column)
