"""Group commit for issuing: concurrent requests share one transaction and one fsync.

``TicketIssuer`` owns one writer thread. ``await issuer.issue(request)`` queues the request and
waits; the thread takes EVERY request pending at that moment (up to ``max_batch``), issues
them with ``issue_batch`` (one transaction, one commit, events published in commit order),
then answers each waiting request on its event loop. While a batch commits, the next one
gathers: the busier the kiosks, the more tickets per fsync. Nobody is answered before their
ticket is committed; a request that fails its own checks gets its own error.

The thread keeps one database connection of its own (no pool round trip, pages stay cached);
a batch that fails drops it and the next opens a new one. Several server processes on one
database stay correct: each batch is an ordinary write
transaction (SQLite ``BEGIN IMMEDIATE``, PostgreSQL row locks on the numbering rows).
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from dataclasses import dataclass

from sqlalchemy import Connection

from server.contract.rest import TicketIssuedOut
from server.services.context import BranchContext
from server.services.errors import IssuerClosed
from server.services.issue_batch import IssueRequest, Outcome, issue_batch
from server.services.issue_limit import IssueRateLimit
from server.store.db import writer_connection

__all__ = ["IssuerClosed", "TicketIssuer"]

DEFAULT_MAX_BATCH = 256


@dataclass
class _Job:
    request: IssueRequest
    future: asyncio.Future[TicketIssuedOut]
    loop: asyncio.AbstractEventLoop


class TicketIssuer:
    """The process's ticket writer: ``start()`` in the lifespan, ``close()`` at shutdown."""

    def __init__(
        self,
        ctx: BranchContext,
        *,
        max_batch: int = DEFAULT_MAX_BATCH,
        rate_limit: IssueRateLimit | None = None,
    ) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch is {max_batch}; expected at least 1")
        self._ctx = ctx
        self._rate_limit = rate_limit
        self._max_batch = max_batch
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._guard = threading.Lock()
        self._conn: Connection | None = None  # the writer thread's own connection
        self.batches = 0  # statistics: transactions committed and tickets asked for
        self.requests = 0

    def start(self) -> None:
        with self._guard:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="ticket-issuer", daemon=True)
            self._thread.start()

    async def issue(self, request: IssueRequest) -> TicketIssuedOut:
        """Issue one ticket; returns once it is committed (raises its own error, e.g.
        ``IssueRateLimited`` when its device asks faster than the rate limit allows)."""
        if self._rate_limit is not None:
            self._rate_limit.take(request.device_id)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[TicketIssuedOut] = loop.create_future()
        with self._guard:
            if self._closed or self._thread is None:
                raise IssuerClosed()
            self._jobs.put(_Job(request, future, loop))
        return await future

    def close(self, timeout_s: float = 10.0) -> None:
        """Answer the requests already queued, then stop the thread (blocks: call off-loop)."""
        with self._guard:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
            self._jobs.put(None)
        if thread is not None:
            thread.join(timeout_s)

    def _run(self) -> None:
        stop = False
        try:
            while not stop:
                first = self._jobs.get()
                if first is None:
                    return
                batch = [first]
                while len(batch) < self._max_batch:
                    try:
                        job = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if job is None:
                        stop = True
                        break
                    batch.append(job)
                self._issue(batch)
        finally:
            self._drop_connection()

    def _issue(self, batch: list[_Job]) -> None:
        try:
            if self._conn is None:  # our own: its pages stay cached, no pool round trip
                self._conn = writer_connection(self._ctx.engine)
            requests = [j.request for j in batch]
            outcomes: list[Outcome] = issue_batch(self._ctx, requests, connection=self._conn)
        except Exception as exc:  # the whole transaction failed: nobody got a ticket
            outcomes = [exc] * len(batch)
            self._drop_connection()  # it may be broken; the next batch opens a new one
        self.batches += 1
        self.requests += len(batch)
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Job, Outcome]]] = {}
        for job, outcome in zip(batch, outcomes, strict=True):
            by_loop.setdefault(job.loop, []).append((job, outcome))
        for loop, settled in by_loop.items():
            # a closed loop (RuntimeError) has nobody left to answer
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, settled)

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()


def _settle(settled: list[tuple[_Job, Outcome]]) -> None:
    for job, outcome in settled:
        if job.future.done():  # the client went away; its ticket stays issued
            continue
        if isinstance(outcome, Exception):
            job.future.set_exception(outcome)
        else:
            job.future.set_result(outcome)
