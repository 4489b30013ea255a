"""``AlertWatch``: checks at start, after a queue event (a burst costs one more check),
periodically, not on other events, and keeps going when a check fails."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from server.contract.common import Bilingual
from server.contract.events import EmergencyChanged, QueuesChanged
from server.realtime.alert_watch import AlertWatch
from tests.server.realtime.factories import AT, health

QUEUES = QueuesChanged(seq=0, at=AT, queues=[], reason="counter 3 opened")
EMERGENCY = EmergencyChanged(seq=0, at=AT, notice=Bilingual(zh="停", en="stop"))


async def _until(condition: Callable[[], bool], what: str) -> None:
    try:
        async with asyncio.timeout(10):
            while not condition():
                await asyncio.sleep(0.001)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


@asynccontextmanager
async def running(watch: AlertWatch) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(watch.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_a_queue_event_asks_for_a_check_and_other_events_do_not() -> None:
    calls: list[int] = []
    watch = AlertWatch(lambda: calls.append(1), every_s=3600, min_gap_s=0)
    async with running(watch):
        await _until(lambda: watch.checks == 1, "the first check")
        watch.poke(EMERGENCY)
        watch.poke(health(1))
        watch.poke(QUEUES)
        await _until(lambda: watch.checks == 2, "the check after the queue event")
        await asyncio.sleep(0.05)
    assert len(calls) == 2  # the emergency and device events asked for nothing


async def test_a_burst_of_events_during_a_check_costs_one_more_check() -> None:
    release = threading.Event()
    calls: list[int] = []

    def check() -> None:
        calls.append(1)
        if len(calls) == 2:
            release.wait(10)

    watch = AlertWatch(check, every_s=3600, min_gap_s=0)
    async with running(watch):
        await _until(lambda: watch.checks == 1, "the first check")
        watch.poke(QUEUES)
        await _until(lambda: len(calls) == 2, "the second check to start")
        threads = [threading.Thread(target=watch.poke, args=(QUEUES,)) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        release.set()
        await _until(lambda: watch.checks == 3, "one check for the whole burst")
        await asyncio.sleep(0.05)
    assert len(calls) == 3


async def test_it_checks_periodically_and_survives_a_failing_check(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def check() -> None:
        raise RuntimeError("database is locked")

    watch = AlertWatch(check, every_s=0.01, min_gap_s=0)
    async with running(watch):
        await _until(lambda: watch.checks >= 3, "three periodic checks")
    assert "wait-alert check failed" in caplog.text


def test_bad_intervals_are_refused() -> None:
    with pytest.raises(ValueError, match="every_s must be > 0"):
        AlertWatch(lambda: None, every_s=0)
