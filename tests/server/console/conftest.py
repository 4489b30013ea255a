"""The server core's fixtures (a real app on a temporary data dir with a pinned clock), with
the periodic wait-alert check made rare: the tests check by events or by calling it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from server.main import create_app
from tests.server.core.conftest import Branch, Clock, clock, make_settings
from tests.server.core.live import serve

__all__ = ["branch", "clock"]


@pytest.fixture
def branch(tmp_path: Path, clock: Clock) -> Iterator[Branch]:
    app = create_app(make_settings(tmp_path, alert_check_s=3600), clock=clock)
    with serve(app) as client:
        yield Branch(client=client, app=app, clock=clock, data_dir=tmp_path)
