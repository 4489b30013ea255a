"""Tell every client the queues changed as a whole (counters opened or closed, setup edited)."""

from __future__ import annotations

from server.contract.events import QueuesChanged
from server.services.context import BranchContext
from server.services.views import Names, queue_infos
from server.store.db import read_session


def publish_queues(ctx: BranchContext, *, reason: str) -> QueuesChanged:
    """Read every service's queue now and publish it (call after the change is committed)."""
    now = ctx.now()
    with read_session(ctx.engine) as session:
        queues = queue_infos(session, day=ctx.business_day(now), names=Names(session))
    event = QueuesChanged(seq=0, at=now, queues=queues, reason=reason)
    ctx.publish(event)
    return event
