"""The wait-alert check as a periodic job (``server.services.jobs``): it checks at start,
after a queue event (a burst costs one more check), periodically, not on other events, and
keeps going when a check fails."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from server.branchfile import load_branch
from server.config import DEMO_BRANCH_FILE
from server.contract.common import Bilingual
from server.contract.events import EmergencyChanged, QueuesChanged
from server.services.alerts import TRIGGERS
from server.services.context import BranchContext
from server.services.jobs import Job, Scheduler
from server.store.db import make_engine
from tests.server.realtime.factories import AT, health

QUEUES = QueuesChanged(seq=0, at=AT, queues=[], reason="counter 3 opened")
EMERGENCY = EmergencyChanged(seq=0, at=AT, notice=Bilingual(zh="停", en="stop"))
NAME = "wait alerts"


@pytest.fixture
def ctx(tmp_path: Path) -> BranchContext:
    engine = make_engine(f"sqlite:///{tmp_path / 'alerts.sqlite3'}")  # the checks never use it
    return BranchContext(engine=engine, config=load_branch(DEMO_BRANCH_FILE))


async def _until(condition: Callable[[], bool], what: str) -> None:
    try:
        async with asyncio.timeout(10):
            while not condition():
                await asyncio.sleep(0.001)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


@asynccontextmanager
async def running(
    ctx: BranchContext, check: Callable[[BranchContext], object], every_s: float = 3600
) -> AsyncIterator[Scheduler]:
    scheduler = Scheduler(ctx, [Job(NAME, every_s, check, wake_on=TRIGGERS, min_gap_s=0)])
    scheduler.start()
    try:
        yield scheduler
    finally:
        await scheduler.stop()


async def test_a_queue_event_asks_for_a_check_and_other_events_do_not(
    ctx: BranchContext,
) -> None:
    calls: list[int] = []
    async with running(ctx, lambda _: calls.append(1)) as scheduler:
        await _until(lambda: scheduler.runs[NAME] == 1, "the first check")
        scheduler.poke(EMERGENCY)
        scheduler.poke(health(1))
        scheduler.poke(QUEUES)
        await _until(lambda: scheduler.runs[NAME] == 2, "the check after the queue event")
        await asyncio.sleep(0.05)
    assert len(calls) == 2  # the emergency and device events asked for nothing


async def test_a_burst_of_events_during_a_check_costs_one_more_check(ctx: BranchContext) -> None:
    release = threading.Event()
    calls: list[int] = []

    def check(_: BranchContext) -> None:
        calls.append(1)
        if len(calls) == 2:
            release.wait(10)

    async with running(ctx, check) as scheduler:
        await _until(lambda: scheduler.runs[NAME] == 1, "the first check")
        scheduler.poke(QUEUES)
        await _until(lambda: len(calls) == 2, "the second check to start")
        threads = [threading.Thread(target=scheduler.poke, args=(QUEUES,)) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        release.set()
        await _until(lambda: scheduler.runs[NAME] == 3, "one check for the whole burst")
        await asyncio.sleep(0.05)
    assert len(calls) == 3


async def test_it_checks_periodically_and_survives_a_failing_check(
    ctx: BranchContext, caplog: pytest.LogCaptureFixture
) -> None:
    def check(_: BranchContext) -> None:
        raise RuntimeError("database is locked")

    async with running(ctx, check, every_s=0.01) as scheduler:
        await _until(lambda: scheduler.runs[NAME] >= 3, "three periodic checks")
    assert "periodic job 'wait alerts' failed" in caplog.text
