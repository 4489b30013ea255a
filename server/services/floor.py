"""The floor as it is now: every queue with its longest wait and target, every counter with its
teller, ticket and timings; also the loads the staffing rules read (``server.domain.staffing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from server.contract.console import CounterFloor, FloorView, ServiceFloor
from server.contract.events import QueueInfo
from server.domain.staffing import CounterLoad, QueueLoad
from server.services import alert_views
from server.services.context import BranchContext
from server.services.unit import Unit, reads
from server.services.views import Names, counter_info, emergency, queue_infos
from server.store import branch_rows, repo


@dataclass(frozen=True)
class Floor:
    """What one read of the database says of the floor (one read session)."""

    now: datetime
    day: date
    names: Names
    queues: list[QueueInfo]
    oldest: dict[str, datetime]  # service code -> earliest arrival among its waiting tickets
    skills: dict[int, dict[str, float]]

    def longest_wait_s(self, service_code: str) -> int:
        arrived = self.oldest.get(service_code)
        return 0 if arrived is None else max(0, int((self.now - arrived).total_seconds()))

    def target_wait_s(self, service_code: str) -> int:
        row = self.names.services.get(service_code)
        return row.target_wait_s if row is not None else 900

    def serves(self, counter_number: int) -> list[str]:
        return sorted(c for c, w in self.skills.get(counter_number, {}).items() if w > 0)

    def queue_loads(self) -> list[QueueLoad]:
        return [
            QueueLoad(
                service_code=q.service_code,
                waiting=q.waiting,
                estimated_wait_s=q.estimated_wait_s,
                target_wait_s=self.target_wait_s(q.service_code),
                longest_wait_s=self.longest_wait_s(q.service_code),
            )
            for q in self.queues
        ]

    def counter_loads(self) -> list[CounterLoad]:
        return [
            CounterLoad(number=c.number, state=c.state, serves=frozenset(self.serves(c.number)))
            for c in self.names.counters.values()
        ]


def read_floor(session: Session, ctx: BranchContext) -> Floor:
    now = ctx.now()
    day = ctx.business_day(now)
    names = Names(session)
    return Floor(
        now=now,
        day=day,
        names=names,
        queues=queue_infos(session, day=day, names=names),
        oldest=repo.oldest_waiting_by_service(session, business_day=day),
        skills=branch_rows.skills(session.connection()),
    )


@reads
def floor_view(uow: Unit) -> FloorView:
    """The console's view of the floor now."""
    ctx, session = uow.ctx, uow.session
    floor = read_floor(session, ctx)
    held = repo.held_tickets(session)
    counters = []
    for row in floor.names.counters.values():
        ticket = held.get(row.number)
        counters.append(
            CounterFloor(
                counter=counter_info(row, ticket, floor.names),
                serves=floor.serves(row.number),
                called_at=ticket.called_at if ticket is not None else None,
                started_at=ticket.started_at if ticket is not None else None,
            )
        )
    return FloorView(
        at=floor.now,
        business_day=floor.day,
        timezone=ctx.config.timezone,
        max_wait_s=ctx.config.policy.max_wait_s,
        services=[
            ServiceFloor(
                queue=q,
                target_wait_s=floor.target_wait_s(q.service_code),
                longest_wait_s=floor.longest_wait_s(q.service_code),
                oldest_arrived_at=floor.oldest.get(q.service_code),
            )
            for q in floor.queues
        ],
        counters=counters,
        alerts=alert_views.active_alerts(session, floor.names),
        recent_alerts=alert_views.recent_cleared(session, floor.names, day=floor.day),
        emergency=emergency(session),
    )
