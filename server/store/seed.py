"""Make the service, counter, skill and category rows match the branch file (at startup).

The file is applied only when its definition changed since it was last applied (a digest is
kept in the branch-state row): edits an admin made through the API (names, caps, skills,
weights) survive a restart, and editing the file is how a site replaces them all at once.

When applied, definitions (names, prefixes, number ranges, caps, weights) follow the file.
Runtime state is kept: a service's ``is_open`` and a counter's state and teller are only set
when the row is new. Services and counters no longer in the file are removed (their tickets
keep their codes). Appointment schedules follow the same rule (``appointment_repo``).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

from sqlmodel import Session, col, delete, select

from server.domain.model import BranchConfig
from server.store.appointment_repo import sync_schedules
from server.store.tables import (
    BranchState,
    CategoryWeight,
    Counter,
    CounterSkill,
    Service,
    ServiceStats,
)

_log = logging.getLogger(__name__)


def branch_digest(config: BranchConfig) -> str:
    """A digest of the branch definition (not of the file's bytes: comments do not count)."""
    return hashlib.sha256(repr(config).encode("utf-8")).hexdigest()


def sync_branch(session: Session, *, config: BranchConfig, now: datetime | None = None) -> bool:
    """Upsert the branch file's services, counters, skills and categories if it changed.

    Returns True when the file was applied, False when it is unchanged since the last time
    (the database, with any admin edits, is then kept as it is).
    """
    now = now or datetime.now(UTC)
    digest = branch_digest(config)
    state = session.get(BranchState, 1)
    if state is not None and state.branch_file_digest == digest:
        _ensure_stats(session, config=config, now=now)
        sync_schedules(session, config=config, now=now, replace=False)
        _log.info("branch file unchanged since it was last applied: keeping the stored setup")
        return False
    if state is not None and state.branch_file_digest is not None:
        _log.warning("branch file changed: applying it (replaces admin edits of the setup)")
    _apply(session, config=config, now=now)
    sync_schedules(session, config=config, now=now, replace=True)
    state = session.get(BranchState, 1) or BranchState(id=1)
    state.branch_file_digest = digest
    session.add(state)
    return True


def _ensure_stats(session: Session, *, config: BranchConfig, now: datetime) -> None:
    # one statistics row per service, so finishing tickets only ever updates (and locks) it
    measured = {r.service_code for r in session.exec(select(ServiceStats)).all()}
    for svc in config.services:
        if svc.code not in measured:
            session.add(
                ServiceStats(
                    service_code=svc.code,
                    avg_service_s=float(svc.default_service_s),
                    samples=0,
                    updated_at=now,
                )
            )


def _apply(session: Session, *, config: BranchConfig, now: datetime) -> None:
    services = {s.code: s for s in session.exec(select(Service)).all()}
    for order, svc in enumerate(config.services):
        row = services.pop(svc.code, None)
        if row is None:
            row = Service(code=svc.code, prefix=svc.prefix, name_zh="", name_en="")
            row.is_open = svc.is_open
        row.prefix = svc.prefix
        row.name_zh = svc.name_zh
        row.name_en = svc.name_en
        row.number_min = svc.number_min
        row.number_max = svc.number_max
        row.daily_cap = svc.daily_cap
        row.target_wait_s = svc.target_wait_s
        row.default_service_s = svc.default_service_s
        row.sort_order = order
        session.add(row)
    for stale in services.values():
        session.delete(stale)
    _ensure_stats(session, config=config, now=now)

    counters = {c.number: c for c in session.exec(select(Counter)).all()}
    for ctr in config.counters:
        crow = counters.pop(ctr.number, None)
        if crow is None:
            crow = Counter(number=ctr.number, name_zh="", name_en="")
        crow.name_zh = ctr.name_zh
        crow.name_en = ctr.name_en
        session.add(crow)
    for cstale in counters.values():
        session.delete(cstale)

    if session.get(BranchState, 1) is None:
        session.add(BranchState(id=1))

    session.exec(delete(CounterSkill))
    for ctr in config.counters:
        for code, weight in ctr.weights.items():
            if weight > 0:
                skill = CounterSkill(counter_number=ctr.number, service_code=code, weight=weight)
                session.add(skill)

    session.exec(
        delete(CategoryWeight).where(
            col(CategoryWeight.category).not_in([c.category.value for c in config.categories])
        )
    )
    for cat in config.categories:
        session.merge(
            CategoryWeight(
                category=cat.category,
                weight=cat.weight,
                name_zh=cat.name_zh,
                name_en=cat.name_en,
            )
        )
