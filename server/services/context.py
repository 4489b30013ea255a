"""What every use case needs: the engine, the branch file, the clock and the event sink."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from server.contract.events import Event
from server.domain.model import BranchConfig, CategoryDef, CounterDef, ServiceDef
from server.domain.numbering import business_day
from server.services.unit import Unit, reading, writing
from server.store import repo
from server.store.tables import Counter, Service


def utc_now() -> datetime:
    return datetime.now(UTC)


def _discard(event: Event) -> object:
    return event


@dataclass
class BranchContext:
    """Passed to every use case.

    config: the branch file as loaded at startup (rollover, timezone, policy, names); the
    database rows seeded from it are the source of truth for services, skills and categories
    (an admin may change them at runtime), see ``live_config``.
    publish: hands an event to the realtime hub. Use cases never call it: they queue events on
    their unit of work (``uow.publish``), which hands them over after the commit
    (``server.services.unit``).
    """

    engine: Engine
    config: BranchConfig
    publish: Callable[[Event], object] = _discard
    clock: Callable[[], datetime] = utc_now
    status_url_base: str = "http://127.0.0.1:8000"

    def now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError(f"clock returned naive {now.isoformat()}; expected an aware time")
        return now

    def writing(self) -> AbstractContextManager[Unit]:
        """A write unit of work (``server.services.unit``): commit, then publish."""
        return writing(self)

    def reading(self) -> AbstractContextManager[Unit]:
        """A read unit of work (``server.services.unit``)."""
        return reading(self)

    def business_day(self, now: datetime) -> date:
        return business_day(now, self.config.rollover, self.config.timezone)

    def status_url(self, public_id: str) -> str:
        return f"{self.status_url_base.rstrip('/')}/api/v1/tickets/{public_id}"


def service_def(row: Service) -> ServiceDef:
    return ServiceDef(
        code=row.code,
        prefix=row.prefix,
        name_zh=row.name_zh,
        name_en=row.name_en,
        number_min=row.number_min,
        number_max=row.number_max,
        daily_cap=row.daily_cap,
        target_wait_s=row.target_wait_s,
        default_service_s=row.default_service_s,
        is_open=row.is_open,
    )


def live_config(
    session: Session,
    ctx: BranchContext,
    *,
    service_rows: Sequence[Service] | None = None,
    counter_rows: Sequence[Counter] | None = None,
) -> BranchConfig:
    """The branch file's config with services, counters and categories from the database.

    Pass rows already loaded in this transaction to save the queries.
    """
    skills = repo.counter_skills(session)
    if counter_rows is None:
        counter_rows = repo.list_counters(session)
    if service_rows is None:
        service_rows = repo.list_services(session)
    counters = tuple(
        CounterDef(c.number, c.name_zh, c.name_en, skills.get(c.number, {})) for c in counter_rows
    )
    services = tuple(service_def(s) for s in service_rows)
    categories = tuple(
        CategoryDef(c.category, c.weight, c.name_zh, c.name_en)
        for c in repo.list_categories(session)
    )
    return replace(
        ctx.config,
        services=services,
        counters=counters,
        categories=categories or ctx.config.categories,
    )
