"""The branch's set-up as it stands in the database (services, counters, skills, categories),
read as plain values with prepared statements (``server.store.raw``, which converts each
column as ``execute`` does): every use case reads them, so they skip the ORM's per-row work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any, NamedTuple

from sqlalchemy import Connection, select

from server.domain.model import CategoryDef, ServiceDef
from server.domain.states import CounterState
from server.store.raw import prepared
from server.store.tables import CategoryWeight, Counter, CounterSkill, Service

_service = Service.__table__  # type: ignore[attr-defined]
_counter = Counter.__table__  # type: ignore[attr-defined]
_skill = CounterSkill.__table__  # type: ignore[attr-defined]
_category = CategoryWeight.__table__  # type: ignore[attr-defined]

_SERVICE_FIELDS = tuple(f.name for f in fields(ServiceDef))
_SERVICES = select(*(_service.c[name] for name in _SERVICE_FIELDS)).order_by(
    _service.c.sort_order, _service.c.code
)
# a counter's columns in ``CounterRow``'s order
COUNTER_COLUMNS = tuple(
    _counter.c[name]
    for name in ("number", "name_zh", "name_en", "state", "teller_user_id", "teller_name")
)
_COUNTERS = select(*COUNTER_COLUMNS).order_by(_counter.c.number)
_SKILLS = select(_skill.c.counter_number, _skill.c.service_code, _skill.c.weight)
_CATEGORIES = select(
    _category.c.category, _category.c.weight, _category.c.name_zh, _category.c.name_en
)


class CounterRow(NamedTuple):
    """A counter as stored: its names, state and the teller signed in (None when closed)."""

    number: int
    name_zh: str
    name_en: str
    state: CounterState
    teller_user_id: int | None
    teller_name: str | None


def service_columns() -> list[Any]:
    """The service table's columns that make a ``ServiceDef`` (for ``service_value``)."""
    return [_service.c[name] for name in _SERVICE_FIELDS]


def service_value(row: Sequence[Any]) -> ServiceDef:
    """A row of ``service_columns()`` as the domain's ``ServiceDef``."""
    return ServiceDef(**dict(zip(_SERVICE_FIELDS, row, strict=True)))


def services(conn: Connection) -> list[ServiceDef]:
    """Every service, in the branch's order."""
    return [service_value(row) for row in prepared(_SERVICES, conn).rows(conn, {})]


def counters(conn: Connection) -> list[CounterRow]:
    """Every counter, by number."""
    return [CounterRow(*row) for row in prepared(_COUNTERS, conn).rows(conn, {})]


def skills(conn: Connection) -> dict[int, dict[str, float]]:
    """counter number -> {service code: weight} for every counter."""
    out: dict[int, dict[str, float]] = {}
    for number, code, weight in prepared(_SKILLS, conn).rows(conn, {}):
        out.setdefault(number, {})[code] = weight
    return out


def categories(conn: Connection) -> list[CategoryDef]:
    """The customer categories and their weights (empty: the branch file's apply)."""
    return [CategoryDef(*row) for row in prepared(_CATEGORIES, conn).rows(conn, {})]
