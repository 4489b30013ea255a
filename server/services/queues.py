"""Tell every client the queues changed as a whole (counters opened or closed, setup edited)."""

from __future__ import annotations

from server.contract.events import QueuesChanged
from server.services.unit import Unit
from server.services.views import Names, queue_infos


def publish_queues(uow: Unit, *, reason: str) -> QueuesChanged:
    """Read every service's queue as this unit sees it (its own changes included) and queue
    the event: it is published after the unit's commit."""
    now = uow.ctx.now()
    queues = queue_infos(uow.session, day=uow.ctx.business_day(now), names=Names(uow.session))
    event = QueuesChanged(seq=0, at=now, queues=queues, reason=reason)
    uow.publish(event)
    return event
