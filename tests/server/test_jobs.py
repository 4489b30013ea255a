"""The one scheduler of the server's periodic jobs (``server.services.jobs``)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from server.branchfile import load_branch
from server.config import DEMO_BRANCH_FILE, Settings
from server.contract.events import CounterChanged, Event, QueuesChanged
from server.services.context import BranchContext
from server.services.jobs import Job, Scheduler, periodic_jobs
from server.store.db import make_engine


@pytest.fixture
def ctx(tmp_path: Path) -> BranchContext:
    engine = make_engine(f"sqlite:///{tmp_path / 'jobs.sqlite3'}")  # the jobs here never use it
    return BranchContext(engine=engine, config=load_branch(DEMO_BRANCH_FILE))


async def _until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():
            await asyncio.sleep(0.01)


async def test_every_job_runs_at_start_then_again_and_a_failure_stays_its_own(
    ctx: BranchContext,
) -> None:
    seen: list[str] = []
    threads: set[str] = set()

    def ok(c: BranchContext) -> int:
        assert c is ctx
        threads.add(threading.current_thread().name)
        seen.append("ok")
        return 1

    def broken(_: BranchContext) -> None:
        seen.append("broken")
        raise RuntimeError("the database is away")

    scheduler = Scheduler(ctx, [Job("ok", 0.05, ok), Job("broken", 0.05, broken)])
    scheduler.start()
    try:
        await _until(lambda: scheduler.runs["ok"] >= 3 and scheduler.runs["broken"] >= 3)
    finally:
        await scheduler.stop()
    assert threading.main_thread().name not in threads  # run in worker threads
    done = dict(scheduler.runs)
    await asyncio.sleep(0.15)
    assert scheduler.runs == done  # stopped: nothing runs any more


async def test_a_job_wakes_on_its_events_only(ctx: BranchContext) -> None:
    scheduler = Scheduler(
        ctx,
        [
            Job("follows queues", 3600, lambda _: None, wake_on=(QueuesChanged,), min_gap_s=0),
            Job("hourly", 3600, lambda _: None),
        ],
    )
    scheduler.poke(QueuesChanged(seq=0, at=ctx.now(), queues=[], reason="before start"))
    scheduler.start()
    try:
        await _until(lambda: scheduler.runs == {"follows queues": 1, "hourly": 1})
        other: Event = CounterChanged.model_construct(seq=0, at=ctx.now())
        scheduler.poke(other)
        await asyncio.sleep(0.1)
        assert scheduler.runs == {"follows queues": 1, "hourly": 1}
        event = QueuesChanged(seq=0, at=ctx.now(), queues=[], reason="counter 1 open")
        await asyncio.to_thread(scheduler.poke, event)  # from a worker thread, as use cases do
        await _until(lambda: scheduler.runs["follows queues"] == 2)
        assert scheduler.runs["hourly"] == 1
    finally:
        await scheduler.stop()


def test_the_server_registers_its_jobs_and_bad_jobs_are_refused(ctx: BranchContext) -> None:
    names = [job.name for job in periodic_jobs(Settings())]
    assert {"daily rollover", "device silence sweep"} <= set(names)
    with pytest.raises(ValueError, match="unique"):
        Scheduler(ctx, [Job("x", 1, print), Job("x", 2, print)])
    with pytest.raises(ValueError, match="every_s must be > 0, got 0"):
        Scheduler(ctx, [Job("x", 0, print)])
