"""Server-sent events for one ticket's phone page: ``GET /api/v1/tickets/{id}/events``.

The stream sends the ticket's ``PhoneView`` as an event ``view`` at once, then again whenever
it changes (the hub's events wake it: a call, a counter opening, a ticket ahead served; events
arriving together are read once), a comment line every ``keepalive_s`` so proxies keep the
connection, and ``end`` once the ticket is finished (done, no-show, cancelled, expired). When
the server stops, the stream ends and the browser's EventSource reconnects by itself. An unknown
id answers 404 before the stream starts. Nothing in it is about another customer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter, Path
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from server.contract.phone import PhoneView
from server.domain.errors import DomainError
from server.realtime.hub import EventHub, HubClosedError, Signal, Subscription
from server.services.context import BranchContext
from server.services.phone_view import phone_view

__all__ = ["make_router"]

_log = logging.getLogger(__name__)
_IGNORED = ('"type":"device.health"',)  # events that never change a ticket's view
RETRY_MS = 3000  # how soon a browser reconnects after the stream ends


def make_router(
    *,
    hub_getter: Callable[[], EventHub],
    branch_getter: Callable[[], BranchContext],
    keepalive_s: float = 15.0,
    prefix: str = "/api/v1",
) -> APIRouter:
    router = APIRouter()

    @router.get(
        prefix + "/tickets/{public_id}/events",
        response_class=StreamingResponse,
        tags=["public"],
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def ticket_events(
        public_id: str = Path(min_length=8, max_length=32, pattern=r"^[A-Za-z0-9_-]+$"),
    ) -> StreamingResponse:
        """The ticket's phone view as server-sent events (``view``, then ``end``)."""
        branch = branch_getter()
        hub = hub_getter()
        first = await run_in_threadpool(_view, branch, public_id)  # unknown id: 404 here
        try:
            sub = hub.subscribe(hub.last_seq)  # nothing to replay: no snapshot is taken
        except HubClosedError:
            sub = None
        body = _stream(hub, sub, branch, public_id, first, keepalive_s)
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(body, media_type="text/event-stream", headers=headers)

    return router


def _view(branch: BranchContext, public_id: str) -> PhoneView:
    return phone_view(branch, public_id=public_id)[0]


def _event(name: str, data: str) -> str:
    return f"event: {name}\ndata: {data}\n\n"


def _same(a: PhoneView, b: PhoneView) -> bool:
    return a.model_copy(update={"updated_at": ""}) == b.model_copy(update={"updated_at": ""})


async def _stream(
    hub: EventHub,
    sub: Subscription | None,
    branch: BranchContext,
    public_id: str,
    view: PhoneView,
    keepalive_s: float,
) -> AsyncIterator[str]:
    try:
        yield f"retry: {RETRY_MS}\n" + _event("view", view.model_dump_json())
        if view.final or sub is None:
            if view.final:
                yield _event("end", "{}")
            return
        while True:
            try:
                item = await asyncio.wait_for(sub.queue.get(), timeout=keepalive_s)
            except TimeoutError:
                yield ": keepalive\n\n"
                continue
            relevant = False
            while True:  # read everything that arrived together, then look once
                if item is Signal.CLOSED:
                    return
                if item is Signal.LAGGED:
                    await run_in_threadpool(hub.resync, sub)
                    relevant = True
                elif not any(marker in item for marker in _IGNORED):
                    relevant = True
                if sub.queue.empty():
                    break
                item = sub.queue.get_nowait()
            if not relevant:
                continue
            try:
                fresh = await run_in_threadpool(_view, branch, public_id)
            except DomainError:  # the ticket is gone (cannot happen today): end the stream
                _log.warning("ticket stream: ticket %s no longer readable", public_id)
                return
            if not _same(fresh, view):
                view = fresh
                yield _event("view", view.model_dump_json())
            if view.final:
                yield _event("end", "{}")
                return
    finally:
        if sub is not None:
            hub.unsubscribe(sub)
