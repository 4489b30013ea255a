"""Server-sent events for one ticket's phone page: ``GET /api/v1/tickets/{id}/events``.

The stream sends the ticket's ``PhoneView`` as an event ``view`` at once, then again whenever
it changes; a comment line every ``keepalive_s`` so proxies keep the connection; and ``end``
once the ticket is finished (done, no-show, cancelled, expired). The hub's events wake it, but
only those that can change this ticket's view count (``concerns``): an event about this ticket,
a call or a change in its service (the people ahead), a transfer, or every queue at once
(counters opened or closed, a new day); never a new ticket (it queues behind) or a device's
health. Events arriving together are read once; the view is then read again and sent only when
it differs. When the server stops, the stream ends and the browser's EventSource reconnects by
itself. An unknown id answers 404 before the stream starts. Nothing in it is about another
customer.
"""

from __future__ import annotations

import asyncio
import json
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
_ABOUT_ONE_TICKET = {
    "ticket.called": ("call", "ticket"),
    "ticket.recalled": ("call", "ticket"),
    "ticket.changed": ("ticket",),
}
_EVERY_QUEUE = {"queues.changed", "ticket.transferred"}
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
        first, service_code = await run_in_threadpool(_view, branch, public_id)  # or 404
        try:
            sub = hub.subscribe(hub.last_seq)  # nothing to replay: no snapshot is taken
        except HubClosedError:
            sub = None
        body = _stream(hub, sub, branch, public_id, (first, service_code), keepalive_s)
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(body, media_type="text/event-stream", headers=headers)

    return router


def _view(branch: BranchContext, public_id: str) -> tuple[PhoneView, str]:
    """The view and the ticket's service code (a transfer may change it)."""
    view, status = phone_view(branch, public_id=public_id)
    return view, status.service_code


def concerns(text: str, *, public_id: str, service_code: str) -> bool:
    """Whether a hub event (its JSON text) can change the view of this ticket."""
    event = json.loads(text)
    kind = event.get("type")
    if kind in _EVERY_QUEUE:
        return True
    path = _ABOUT_ONE_TICKET.get(kind)
    if path is None:
        return False  # ticket.issued (queues behind), counters, devices, emergency notices
    ticket = event
    for key in path:
        ticket = ticket[key]
    return bool(ticket["public_id"] == public_id or ticket["service_code"] == service_code)


def _event(name: str, data: str) -> str:
    return f"event: {name}\ndata: {data}\n\n"


def _same(a: PhoneView, b: PhoneView) -> bool:
    return a.model_copy(update={"updated_at": ""}) == b.model_copy(update={"updated_at": ""})


async def _stream(
    hub: EventHub,
    sub: Subscription | None,
    branch: BranchContext,
    public_id: str,
    start: tuple[PhoneView, str],
    keepalive_s: float,
) -> AsyncIterator[str]:
    view, service_code = start
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
                elif not relevant:
                    relevant = concerns(item, public_id=public_id, service_code=service_code)
                if sub.queue.empty():
                    break
                item = sub.queue.get_nowait()
            if not relevant:
                continue
            try:
                fresh, service_code = await run_in_threadpool(_view, branch, public_id)
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
