"""Open websockets end with their token: revoked device, logged-out or disabled user, expired
session, a change made by another process; and a subscribe is capped before the token check.

The real app runs in uvicorn on an ephemeral loopback port (its own thread) with the real
clock, since expiry is a timer."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from server.config import Settings
from server.contract.common import Role
from server.main import create_app
from server.services import devices, users
from server.store.db import make_engine, write_session
from tests.server.core.live import serve

PASSWORD = "correct horse battery staple"
CLOSE_WITHIN_S = 1.0


@dataclass
class Live:
    client: httpx.Client
    engine: Any
    data_dir: Path
    stack: contextlib.ExitStack

    @property
    def ws_url(self) -> str:
        return str(self.client.base_url).replace("http://", "ws://").rstrip("/") + "/api/v1/ws"

    def user(self, name: str, role: Role) -> str:
        with write_session(self.engine) as session:
            users.create_user(session, username=name, password=PASSWORD, role=role, now=_now())
        r = self.client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        token: str = r.json()["token"]
        return token

    def device(self, name: str, role: Role) -> str:
        with write_session(self.engine) as session:
            return users.create_device_token(session, name=name, role=role, now=_now())

    def connect(self) -> ClientConnection:
        return self.stack.enter_context(connect(self.ws_url, compression=None, open_timeout=5))

    def subscribe(self, token: str) -> ClientConnection:
        ws = self.connect()
        ws.send(json.dumps({"type": "subscribe", "token": token, "last_seq": None}))
        first = json.loads(ws.recv(timeout=5))
        assert first["type"] == "snapshot", first
        return ws


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _start(tmp_path: Path, **settings: Any) -> Iterator[Live]:
    app = create_app(Settings(data_dir=tmp_path / "var", **settings))
    with serve(app) as client, contextlib.ExitStack() as stack:
        yield Live(client=client, engine=app.state.engine, data_dir=tmp_path / "var", stack=stack)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    yield from _start(tmp_path, auth_recheck_s=30.0)  # changes here must not wait for it


def closed_within(ws: ClientConnection, seconds: float) -> tuple[int, dict[str, Any], float]:
    """Wait for the server to close ``ws``: (close code, last message, seconds it took)."""
    started = time.monotonic()
    last: dict[str, Any] = {}
    try:
        while True:
            last = json.loads(ws.recv(timeout=seconds + 2))
    except ConnectionClosed as exc:
        took = time.monotonic() - started
        assert exc.rcvd is not None
        return exc.rcvd.code, last, took
    except TimeoutError:
        raise AssertionError(f"the connection was still open after {seconds + 2} s") from None


def test_revoking_a_display_closes_its_open_websocket(live: Live) -> None:
    admin = live.user("boss", Role.ADMIN)
    display_token = live.device("lobby", Role.DISPLAY)
    other = live.subscribe(live.device("lobby-2", Role.DISPLAY))
    ws = live.subscribe(display_token)
    r = live.client.post(
        "/api/v1/admin/devices/lobby/revoke", headers={"Authorization": f"Bearer {admin}"}
    )
    assert r.status_code == 200, r.text
    code, last, took = closed_within(ws, CLOSE_WITHIN_S)
    assert code == 4401
    assert last["code"] == "unauthorized" and "revoked" in last["message"]["en"]
    assert took < CLOSE_WITHIN_S
    assert other.ping().wait(timeout=2)  # the other display is still connected


def test_logout_closes_the_users_websockets(live: Live) -> None:
    token = live.user("teller3", Role.TELLER)
    ws = live.subscribe(token)
    r = live.client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    code, _, took = closed_within(ws, CLOSE_WITHIN_S)
    assert code == 4401 and took < CLOSE_WITHIN_S


def test_disabling_a_user_closes_their_websockets(live: Live) -> None:
    admin = live.user("boss", Role.ADMIN)
    ws = live.subscribe(live.user("teller3", Role.TELLER))
    r = live.client.post(
        "/api/v1/admin/users/teller3/disable",
        json={"disabled": True},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert r.status_code == 200, r.text
    code, _, took = closed_within(ws, CLOSE_WITHIN_S)
    assert code == 4401 and took < CLOSE_WITHIN_S


def test_an_expired_session_closes_its_websocket(tmp_path: Path) -> None:
    for live in _start(tmp_path, token_ttl_s=2, auth_recheck_s=30.0):
        r_token = live.user("teller3", Role.TELLER)
        ws = live.subscribe(r_token)
        me = live.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {r_token}"})
        assert me.status_code == 200
        code, _, took = closed_within(ws, 2 + CLOSE_WITHIN_S)
        assert code == 4401
        assert took < 2 + CLOSE_WITHIN_S


def test_a_revocation_by_another_process_closes_within_the_recheck_period(
    tmp_path: Path,
) -> None:
    for live in _start(tmp_path, auth_recheck_s=0.5):
        ws = live.subscribe(live.device("lobby", Role.DISPLAY))
        other_process = make_engine(live.engine.url.render_as_string(hide_password=False))
        try:  # its own engine: this server's change hook does not see it (as branchq admin)
            with write_session(other_process) as session:
                devices.revoke_device(session, name="lobby", now=_now())
        finally:
            other_process.dispose()
        code, _, took = closed_within(ws, 0.5 + CLOSE_WITHIN_S)
        assert code == 4401 and took < 0.5 + CLOSE_WITHIN_S


def test_an_oversized_subscribe_is_refused_before_the_token_is_checked(live: Live) -> None:
    ws = live.connect()
    big = json.dumps({"type": "subscribe", "token": "x" * 100_000, "last_seq": None})
    ws.send(big)
    code, last, _ = closed_within(ws, 2)
    assert code == 1009
    assert last["code"] == "too_big" and "at most 4096" in last["message"]["en"]
    assert "xxxx" not in json.dumps(last)
