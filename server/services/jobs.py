"""The server's periodic jobs, and the one scheduler that runs them.

Every background job of the server is a ``Job`` in ``periodic_jobs``: a name, how often it
runs, and a function of the ``BranchContext`` (it opens its own units of work, see
``server.services.unit``, and returns what it did, e.g. how many rows it changed, or None).
``server.main`` starts one ``Scheduler`` with them when the server starts and stops it when it
stops. To add a job, write its use case in its own service module and add one line here::

    Job("no-show calls", settings.no_show_call_s, calls.sweep_unanswered),

A job that must also follow the floor (the wait alerts) names the event types that wake it
(``wake_on``): ``server.main`` hands every published event to ``Scheduler.poke``.

The scheduler runs each job once at startup and then every ``every_s`` seconds, in a worker
thread (a job never blocks the event loop; anyio's threads, as FastAPI's sync routes), one run
of a job at a time. A run that raises is
logged with its traceback and the job runs again at its next tick; one job's failure never
stops another. Jobs must be safe to run in several processes serving one database at once
(they decide from the database, as the rollover and the device sweep do), and cheap when there
is nothing to do (read first; take the writer lock only when there is something to write).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import anyio.to_thread

from server.config import Settings
from server.contract.events import Event
from server.services import alerts
from server.services.alerts import check_alerts
from server.services.appointments import mark_no_shows
from server.services.context import BranchContext
from server.services.devices import sweep_silent
from server.services.rollover import rollover

__all__ = ["DEVICE_SWEEP_S", "Job", "Scheduler", "periodic_jobs"]

DEVICE_SWEEP_S = 5.0  # how often devices silent for 3 heartbeat intervals are marked UNKNOWN
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """``run(ctx)`` every ``every_s`` seconds; also soon after an event of a type in
    ``wake_on`` is published (at most once per ``min_gap_s``, so a burst costs one run)."""

    name: str
    every_s: float
    run: Callable[[BranchContext], object]
    wake_on: tuple[type[Event], ...] = ()
    min_gap_s: float = 0.5


def periodic_jobs(settings: Settings) -> list[Job]:
    """Every periodic job of the server (the place to register a new one)."""
    return [
        Job("daily rollover", settings.rollover_check_s, _rollover),
        Job("device silence sweep", DEVICE_SWEEP_S, sweep_silent),
        Job("appointment no-shows", settings.rollover_check_s, _no_shows),
        Job("wait alerts", settings.alert_check_s, check_alerts, wake_on=alerts.TRIGGERS),
    ]


def _rollover(ctx: BranchContext) -> int:
    abandoned = rollover(ctx)
    if abandoned:
        _log.info("daily rollover: %d open tickets abandoned", abandoned)
    return abandoned


def _no_shows(ctx: BranchContext) -> int:
    missed = mark_no_shows(ctx)
    if missed:
        _log.info("appointments: %d no-shows (slot ended without a check-in)", missed)
    return missed


class Scheduler:
    """Runs ``jobs`` on the running event loop until ``stop``."""

    def __init__(self, ctx: BranchContext, jobs: Sequence[Job]) -> None:
        names = [job.name for job in jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"periodic job names must be unique; got {names}")
        for job in jobs:
            if not job.every_s > 0:
                raise ValueError(f"job {job.name!r}: every_s must be > 0, got {job.every_s}")
        self._ctx = ctx
        self.jobs = tuple(jobs)
        self.runs = dict.fromkeys(names, 0)  # runs finished per job (diagnostics, tests)
        self._tasks: list[asyncio.Task[None]] = []
        self._event_loop: asyncio.AbstractEventLoop | None = None
        self._wake: dict[str, asyncio.Event] = {}

    def start(self) -> None:
        """Start every job (call from the event loop, e.g. in the app's lifespan)."""
        if self._tasks:
            raise RuntimeError("the scheduler is running already")
        self._event_loop = asyncio.get_running_loop()
        self._wake = {job.name: asyncio.Event() for job in self.jobs}
        self._tasks = [
            asyncio.create_task(self._loop(job), name=f"job: {job.name}") for job in self.jobs
        ]

    def poke(self, event: Event) -> None:
        """Wake the jobs that follow ``event``'s type; safe from any thread, cheap otherwise."""
        loop = self._event_loop
        if loop is None:
            return
        for job in self.jobs:
            if job.wake_on and isinstance(event, job.wake_on):
                with contextlib.suppress(RuntimeError):  # a closed loop: the server stops
                    loop.call_soon_threadsafe(self._wake[job.name].set)

    async def stop(self) -> None:
        """Cancel every job and wait for them: a run under way in its worker thread is let
        finish first (nothing is left using the database when the server closes it)."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self, job: Job) -> None:
        wake = self._wake[job.name]
        while True:
            wake.clear()
            try:
                await anyio.to_thread.run_sync(job.run, self._ctx)
            except Exception:
                _log.exception("periodic job %r failed; retrying in %.0f s", job.name, job.every_s)
            self.runs[job.name] += 1
            if job.wake_on:
                await asyncio.sleep(job.min_gap_s)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=job.every_s)
