"""`queues.changed`: a kiosk learns of opened/closed counters and services without polling."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from server.contract.common import Role
from server.contract.events import QueuesChanged, Snapshot, parse_server_message
from tests.e2e.live import LiveBranch


@pytest.fixture
def branch(tmp_path: Path) -> Iterator[LiveBranch]:
    live = LiveBranch(data_dir=tmp_path / "data").start()
    yield live
    live.stop()


@contextmanager
def _subscribe(branch: LiveBranch) -> Iterator[ClientConnection]:
    token = branch.device_token("kiosk-1", Role.KIOSK)
    with connect(f"ws://127.0.0.1:{branch.port}/api/v1/ws", open_timeout=5) as ws:
        ws.send(json.dumps({"type": "subscribe", "token": token, "last_seq": None}))
        assert isinstance(parse_server_message(ws.recv(timeout=5)), Snapshot)
        yield ws


def _next_queues_changed(ws: ClientConnection) -> QueuesChanged:
    for _ in range(10):
        message = parse_server_message(ws.recv(timeout=5))
        if isinstance(message, QueuesChanged):
            return message
    raise AssertionError("no queues.changed event among the next 10 messages")


def test_opening_a_counter_updates_every_queue(branch: LiveBranch) -> None:
    headers = branch.auth("teller4")
    with _subscribe(branch) as ws, httpx.Client(base_url=branch.url) as client:
        r = client.post("/api/v1/counters/4/open", headers=headers)
        assert r.status_code == 200, r.text
        event = _next_queues_changed(ws)
    assert event.reason == "counter 4 open"
    by_code = {q.service_code: q for q in event.queues}
    assert sorted(by_code) == ["A", "B", "F", "V"]
    served = [code for code, q in by_code.items() if q.open_counters == 1]
    assert served, "counter 4 serves at least one service of the demo branch"
    assert all(by_code[c].open_counters == 0 for c in by_code if c not in served)


def test_admin_closing_a_service_tells_the_kiosks(branch: LiveBranch) -> None:
    headers = branch.auth("boss", Role.ADMIN)
    with _subscribe(branch) as ws, httpx.Client(base_url=branch.url) as client:
        r = client.patch("/api/v1/admin/services/B", json={"is_open": False}, headers=headers)
        assert r.status_code == 200, r.text
        event = _next_queues_changed(ws)
    assert event.reason == "service B updated"
    assert {q.service_code: q.is_open for q in event.queues} == {
        "A": True,
        "B": False,
        "F": True,
        "V": True,
    }
