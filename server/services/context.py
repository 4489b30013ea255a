"""What every use case needs: the engine, the branch file, the clock and the event sink."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

from server.contract.events import Event
from server.domain.model import BranchConfig, CounterDef
from server.domain.numbering import business_day
from server.services.names import Names
from server.services.unit import Unit, reading, writing
from server.store import branch_rows


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


def live_config(
    session: Session, ctx: BranchContext, *, names: Names | None = None
) -> BranchConfig:
    """The branch file's config with services, counters and categories from the database.

    names: the use case's ``Names`` if it has them (saves reading services and counters again).
    """
    if names is None:
        names = Names(session)
    conn = session.connection()
    skills = branch_rows.skills(conn)
    counters = tuple(
        CounterDef(c.number, c.name_zh, c.name_en, skills.get(c.number, {}))
        for c in names.counters.values()
    )
    categories = tuple(branch_rows.categories(conn))
    return replace(
        ctx.config,
        services=tuple(names.services.values()),
        counters=counters,
        categories=categories or ctx.config.categories,
    )
