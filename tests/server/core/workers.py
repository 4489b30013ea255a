"""Functions run in spawned worker processes (importable by reference)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from server.branchfile import load_branch
from server.config import DEMO_BRANCH_FILE
from server.domain.desk import TellerAt
from server.services.calls import call_next
from server.services.context import BranchContext
from server.services.counters import open_counter
from server.services.handling import finish, start
from server.services.issue_batch import IssueRequest, issue_batch
from server.services.tickets import issue_ticket
from server.store.db import make_engine


def _context(database_url: str, now_iso: str) -> BranchContext:
    fixed = datetime.fromisoformat(now_iso)
    return BranchContext(
        engine=make_engine(database_url),
        config=load_branch(Path(DEMO_BRANCH_FILE)),
        clock=lambda: fixed,
    )


class WorkerError(RuntimeError):
    """A worker's failure, picklable (some of our exceptions take several arguments)."""


def _picklable(fn: Callable[..., list[str]]) -> Callable[..., list[str]]:
    @functools.wraps(fn)
    def wrapper(*args: object) -> list[str]:
        try:
            return fn(*args)
        except Exception as exc:
            raise WorkerError(f"{type(exc).__name__}: {exc}") from None

    return wrapper


@_picklable
def issue_many(database_url: str, now_iso: str, service_code: str, count: int) -> list[str]:
    """Issue ``count`` tickets; returns their numbers."""
    ctx = _context(database_url, now_iso)
    try:
        return [issue_ticket(ctx, service_code=service_code).number for _ in range(count)]
    finally:
        ctx.engine.dispose()


@_picklable
def serve_counter(
    database_url: str, now_iso: str, counter_number: int, rounds: int, barrier: Any
) -> list[str]:
    """Open a counter, then ``rounds`` times: wait for every counter at the barrier, call next,
    start and finish. All counters call at the same moment each round, so they really race for
    the same tickets (a free-running loop lets SQLite's busy handler starve all but one).
    Returns the public ids called."""
    ctx = _context(database_url, now_iso)
    teller = TellerAt(counter_number, 1000 + counter_number, f"t{counter_number}")
    called: list[str] = []
    try:
        open_counter(ctx, teller)
        for _ in range(rounds):
            barrier.wait(timeout=60)
            result = call_next(ctx, teller)
            if result.ticket is None:
                continue  # keep taking part in the rounds: the others wait for us
            called.append(result.ticket.public_id)
            start(ctx, teller)
            finish(ctx, teller)
        return called
    finally:
        ctx.engine.dispose()


@_picklable
def issue_with_keys(database_url: str, now_iso: str, keys: list[str]) -> list[str]:
    """Issue one ticket per idempotency key; returns the public ids answered."""
    ctx = _context(database_url, now_iso)
    try:
        return [issue_ticket(ctx, service_code="B", idempotency_key=k).public_id for k in keys]
    finally:
        ctx.engine.dispose()


@_picklable
def issue_in_batches(
    database_url: str, now_iso: str, batches: list[list[str]], key_prefix: str
) -> list[str]:
    """Issue each list of service codes as ONE batch (one transaction); returns the numbers.

    Every request carries an idempotency key ``<key_prefix>-<batch>-<position>``."""
    ctx = _context(database_url, now_iso)
    numbers: list[str] = []
    try:
        for b, codes in enumerate(batches):
            requests = [
                IssueRequest(service_code=c, idempotency_key=f"{key_prefix}-{b}-{i}")
                for i, c in enumerate(codes)
            ]
            for outcome in issue_batch(ctx, requests):
                if isinstance(outcome, Exception):
                    raise outcome
                numbers.append(outcome.number)
        return numbers
    finally:
        ctx.engine.dispose()
