"""Fixtures of the app client tests: the real branch server on an ephemeral loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.live import LiveBranch


@pytest.fixture
def branch(tmp_path: Path) -> Iterator[LiveBranch]:
    live = LiveBranch(data_dir=tmp_path / "var").start()
    try:
        yield live
    finally:
        live.stop()
