"""Make the service, counter, skill and category rows match the branch file (at startup).

Definitions (names, prefixes, number ranges, caps, weights) follow the file. Runtime state is
kept: a service's ``is_open`` and a counter's state and teller are only set when the row is
new. Services and counters no longer in the file are removed (their tickets keep their codes).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, delete, select

from server.domain.model import BranchConfig
from server.store.tables import (
    BranchState,
    CategoryWeight,
    Counter,
    CounterSkill,
    Service,
    ServiceStats,
)


def sync_branch(session: Session, *, config: BranchConfig, now: datetime | None = None) -> None:
    """Upsert the branch file's services, counters, skills and categories."""
    now = now or datetime.now(UTC)
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
                category=cat.category.value,
                weight=cat.weight,
                name_zh=cat.name_zh,
                name_en=cat.name_en,
            )
        )
