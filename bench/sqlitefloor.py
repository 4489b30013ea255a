"""The disk's floor for durable writes: one small SQLite transaction, as the server commits.

Same settings as the server's SQLite engine (WAL, ``synchronous=FULL``, ``BEGIN IMMEDIATE``),
one short insert per transaction, in the benchmark's data directory. One ticket is one such
commit, so this bounds the issuance rate of any design that commits each ticket on its own.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from loadclient import PhaseResult

__all__ = ["commit_floor"]


def commit_floor(directory: Path, *, commits: int = 300) -> PhaseResult:
    """``commits`` one-row transactions on a fresh database file in ``directory``."""
    db = sqlite3.connect(directory / "commit-floor.sqlite3", isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v TEXT)")
        latencies = []
        start = time.perf_counter()
        for i in range(commits):
            t0 = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO t (k, v) VALUES (?, ?)", (f"key-{i:09d}", "x" * 200))
            db.execute("COMMIT")
            latencies.append(time.perf_counter() - t0)
        wall = time.perf_counter() - start
    finally:
        db.close()
    return PhaseResult("sqlite commit", 1, commits, wall, tuple(latencies))
