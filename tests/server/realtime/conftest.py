"""Fixtures of the realtime tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.realtime.hub import EventHub
from tests.server.realtime.factories import FIRST_SEQ, snapshot
from tests.server.realtime.live import LiveServer, serve


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with serve(EventHub(snapshot=snapshot, first_seq=FIRST_SEQ)) as server:
        yield server
