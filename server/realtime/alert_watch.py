"""``AlertWatch``: runs the wait-alert check (``server.services.alerts.check_alerts``) every
``every_s`` seconds and soon after an event that moves a queue (a ticket issued, called,
finished or transferred, a counter opened or closed), at most once per ``min_gap_s`` so a burst
of events costs one check.

Wiring (``server/main.py``): ``poke(event)`` is called for every published event (from any
thread); ``run()`` is a task of the server's lifespan.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool

from server.contract.events import (
    CounterChanged,
    Event,
    QueuesChanged,
    TicketCalled,
    TicketChanged,
    TicketIssued,
    TicketTransferred,
)

_log = logging.getLogger(__name__)

TRIGGERS = (
    TicketIssued,
    TicketCalled,
    TicketChanged,
    TicketTransferred,
    QueuesChanged,
    CounterChanged,
)


class AlertWatch:
    def __init__(
        self, check: Callable[[], object], *, every_s: float, min_gap_s: float = 0.5
    ) -> None:
        if every_s <= 0 or min_gap_s < 0:
            raise ValueError(f"every_s must be > 0 and min_gap_s >= 0, got {every_s}, {min_gap_s}")
        self._check = check
        self.every_s = every_s
        self.min_gap_s = min_gap_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self.checks = 0  # checks run (tests, diagnostics)

    def poke(self, event: Event) -> None:
        """Ask for a check soon when ``event`` moves a queue; safe from any thread."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or not isinstance(event, TRIGGERS):
            return
        with contextlib.suppress(RuntimeError):  # a closed loop: the server is stopping
            loop.call_soon_threadsafe(wake.set)

    async def run(self) -> None:
        """Check now, then on every poke and every ``every_s`` seconds, until cancelled."""
        self._loop = asyncio.get_running_loop()
        wake = self._wake = asyncio.Event()
        while True:
            wake.clear()
            try:
                await run_in_threadpool(self._check)
            except Exception:
                _log.exception("wait-alert check failed; retrying in %.0f s", self.every_s)
            self.checks += 1
            await asyncio.sleep(self.min_gap_s)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=self.every_s)
