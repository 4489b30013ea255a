"""Server-sent events for the phone pages: ``GET /api/v1/tickets/{id}/events``.

Each stream sends its ticket's ``PhoneView`` as an event ``view`` at once, then again whenever
it changes; a comment line every ``keepalive_s`` so proxies keep the connection; and ``end``
once the ticket is finished (done, no-show, cancelled, expired). When the server stops, the
stream ends and the browser's EventSource reconnects by itself. An unknown id answers 404
before the stream starts. Nothing in it is about another customer.

One ``PhoneWatch`` serves every phone: it is ONE subscriber of the hub, and for the events
that arrived together it reads the views of all the tickets they can concern in one database
read (``concerns``: an event about the ticket, a call or a change in its service - the people
ahead -, a transfer, or every queue at once - counters opened or closed, a new day; never a
new ticket, which queues behind, nor a device's health), then hands each phone its view when
it changed. A hundred phones cost one read per call, not a hundred; the ticket an event is
about (the one called) is read on its own first, so its phone flips without waiting for the
others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter, Path
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from server.contract.phone import PhoneView
from server.domain.errors import UnknownEntity
from server.realtime.hub import EventHub, HubClosedError, Signal
from server.services.context import BranchContext
from server.services.phone_view import phone_views

__all__ = ["PhoneWatch", "concerns", "make_router"]

_log = logging.getLogger(__name__)
RETRY_MS = 3000  # how soon a browser reconnects after the stream ends
_ABOUT_ONE_TICKET = {
    "ticket.called": ("call", "ticket"),
    "ticket.recalled": ("call", "ticket"),
    "ticket.changed": ("ticket",),
}
_EVERY_QUEUE = {"queues.changed", "ticket.transferred", "emergency.changed"}
_ALL = "*"  # concerns every watched ticket


def concerns(text: str) -> tuple[str, str] | str | None:
    """What a hub event (its JSON text) can change: ``(public_id, service_code)`` of the
    ticket it is about (and so its service's queue), ``"*"`` for every ticket, or None."""
    event = json.loads(text)
    kind = event.get("type")
    if kind in _EVERY_QUEUE:
        return _ALL
    path = _ABOUT_ONE_TICKET.get(kind)
    if path is None:
        return None  # ticket.issued (queues behind), counters, devices
    ticket = event
    for key in path:
        ticket = ticket[key]
    return str(ticket["public_id"]), str(ticket["service_code"])


Mailbox = asyncio.Queue[PhoneView | None]  # None: the stream must end (server stopping)


class PhoneWatch:
    """Every open phone stream, fed by one hub subscription (runs on the event loop)."""

    def __init__(self, hub_getter: Callable[[], EventHub], branch: Callable[[], BranchContext]):
        self._hub_getter = hub_getter
        self._branch = branch
        self._mailboxes: dict[str, set[Mailbox]] = {}
        self._service: dict[str, str] = {}  # public_id -> service code, once known
        self._last: dict[str, PhoneView] = {}
        self._task: asyncio.Task[None] | None = None

    @property
    def watched(self) -> int:
        return len(self._mailboxes)

    def add(self, public_id: str) -> Mailbox:
        mailbox: Mailbox = asyncio.Queue(maxsize=8)
        self._mailboxes.setdefault(public_id, set()).add(mailbox)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        return mailbox

    def known(self, public_id: str, service_code: str) -> None:
        self._service[public_id] = service_code

    def remove(self, public_id: str, mailbox: Mailbox) -> None:
        boxes = self._mailboxes.get(public_id)
        if boxes is not None:
            boxes.discard(mailbox)
            if not boxes:
                del self._mailboxes[public_id]
                self._service.pop(public_id, None)
                self._last.pop(public_id, None)
        if not self._mailboxes and self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        hub = self._hub_getter()
        try:
            sub = hub.subscribe(hub.last_seq)  # nothing to replay: no snapshot is taken
        except HubClosedError:
            self._end_all()
            return
        try:
            while True:
                direct: set[str] = set()  # the tickets the events are about: read first
                wanted: set[str] = set()
                item = await sub.queue.get()
                while True:  # everything that arrived together, then one read
                    if item is Signal.CLOSED:
                        self._end_all()
                        return
                    if item is Signal.LAGGED:
                        await run_in_threadpool(hub.resync, sub)
                        wanted.update(self._mailboxes)
                    else:
                        what = concerns(item)
                        wanted.update(self._concerned(what))
                        if isinstance(what, tuple) and what[0] in self._mailboxes:
                            direct.add(what[0])
                    if sub.queue.empty():
                        break
                    item = sub.queue.get_nowait()
                if direct:  # "please go to counter 3" must not wait for everyone's wait
                    await self._refresh(direct)
                if wanted - direct:
                    await self._refresh(wanted - direct)
        finally:
            hub.unsubscribe(sub)

    def _concerned(self, what: tuple[str, str] | str | None) -> set[str]:
        if what is None:
            return set()
        if isinstance(what, str):  # _ALL
            return set(self._mailboxes)
        public_id, service = what
        return {
            watched
            for watched in self._mailboxes
            if watched == public_id or self._service.get(watched, service) == service
        }

    async def _refresh(self, public_ids: set[str]) -> None:
        try:
            views = await run_in_threadpool(
                phone_views, self._branch(), public_ids=sorted(public_ids)
            )
        except Exception:  # a failed read must not end every phone's stream
            _log.exception("phone streams: reading %d tickets failed", len(public_ids))
            return
        for public_id, (view, status) in views.items():
            self._service[public_id] = status.service_code
            if public_id not in self._mailboxes or _same(self._last.get(public_id), view):
                continue
            self._last[public_id] = view
            for mailbox in self._mailboxes[public_id]:
                _post(mailbox, view)

    def _end_all(self) -> None:
        for boxes in self._mailboxes.values():
            for mailbox in boxes:
                _post(mailbox, None)


def _post(mailbox: Mailbox, item: PhoneView | None) -> None:
    """Only the newest view matters: a full mailbox drops its oldest."""
    if mailbox.full():
        mailbox.get_nowait()
    mailbox.put_nowait(item)


def _same(a: PhoneView | None, b: PhoneView) -> bool:
    if a is None:
        return False
    return a.model_copy(update={"updated_at": ""}) == b.model_copy(update={"updated_at": ""})


def _event(name: str, data: str) -> str:
    return f"event: {name}\ndata: {data}\n\n"


def make_router(
    *,
    hub_getter: Callable[[], EventHub],
    branch_getter: Callable[[], BranchContext],
    keepalive_s: float = 15.0,
    prefix: str = "/api/v1",
) -> APIRouter:
    router = APIRouter()
    watch = PhoneWatch(hub_getter, branch_getter)
    router.phone_watch = watch  # type: ignore[attr-defined]  # for tests and diagnostics

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
        mailbox = watch.add(public_id)  # before the first read: no change falls in between
        try:
            views = await run_in_threadpool(phone_views, branch_getter(), public_ids=[public_id])
            if public_id not in views:
                raise UnknownEntity("ticket", public_id)
        except BaseException:
            watch.remove(public_id, mailbox)
            raise
        first, status = views[public_id]
        watch.known(public_id, status.service_code)
        body = _stream(watch, public_id, mailbox, first, keepalive_s)
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(body, media_type="text/event-stream", headers=headers)

    return router


async def _stream(
    watch: PhoneWatch, public_id: str, mailbox: Mailbox, view: PhoneView, keepalive_s: float
) -> AsyncIterator[str]:
    try:
        yield f"retry: {RETRY_MS}\n" + _event("view", view.model_dump_json())
        while not view.final:
            try:
                fresh = await asyncio.wait_for(mailbox.get(), timeout=keepalive_s)
            except TimeoutError:
                yield ": keepalive\n\n"
                continue
            if fresh is None:  # the server is stopping: the browser reconnects
                return
            if not _same(view, fresh):
                view = fresh
                yield _event("view", view.model_dump_json())
        yield _event("end", "{}")
    finally:
        with contextlib.suppress(Exception):
            watch.remove(public_id, mailbox)
