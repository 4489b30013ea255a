"""Worker processes for the multi-process tests (several "servers" on one database), shared by
the session: spawning interpreters that import the server costs seconds each, so the tests
share one pool instead of starting four processes apiece.

A run that fails or times out closes the pool (its workers may be stuck mid-task), and the
next test gets fresh processes. The session's teardown terminates and joins the pool and
shuts the manager down, so no child is left for the interpreter to wait for at exit.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.managers import SyncManager
from multiprocessing.pool import Pool
from typing import Any

import pytest

PROCESSES = 4


class Workers:
    def __init__(self, processes: int = PROCESSES) -> None:
        self.processes = processes
        self._ctx = multiprocessing.get_context("spawn")
        self._pool: Pool | None = None
        self._manager: SyncManager | None = None

    def barrier(self, parties: int) -> Any:
        """A barrier the workers can wait on (a manager's proxy)."""
        if self._manager is None:
            self._manager = self._ctx.Manager()
        return self._manager.Barrier(parties)

    def run(self, fn: Callable[..., Any], jobs: Iterable[tuple[Any, ...]], timeout_s: float) -> Any:
        """``fn(*job)`` for every job, in the workers; their results in order."""
        if self._pool is None:
            self._pool = self._ctx.Pool(self.processes)
        try:
            return self._pool.starmap_async(fn, jobs).get(timeout=timeout_s)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        pool, manager, self._pool, self._manager = self._pool, self._manager, None, None
        if pool is not None:
            pool.terminate()
            pool.join()
        if manager is not None:
            manager.shutdown()


@pytest.fixture(scope="session")
def workers() -> Iterator[Workers]:
    shared = Workers()
    try:
        yield shared
    finally:
        shared.close()
