"""The real branch server in uvicorn on an ephemeral loopback port, restartable on that port,
plus helpers to provision users and device tokens and to wait on conditions."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from server.config import Settings
from server.contract.common import Role
from server.main import create_app
from server.services import users
from server.store.db import write_session
from tests.prompt_server import PromptServer

# 2026-11-29 10:00 in Asia/Shanghai (the demo branch's zone): well after the 03:00 rollover
START = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


def wait_until(condition: Callable[[], object], *, timeout_s: float = 10.0, what: str) -> None:
    """Poll ``condition`` until it is truthy; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.01)


@dataclass
class FixedClock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


@dataclass
class LiveBranch:
    """A branch server that can be stopped and started again on the same port."""

    data_dir: Path
    clock: FixedClock = field(default_factory=FixedClock)
    port: int = 0
    app: FastAPI | None = None
    _server: PromptServer | None = None
    _thread: threading.Thread | None = None
    _sock: socket.socket | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self) -> Settings:
        return Settings(
            data_dir=self.data_dir,
            rollover_check_s=3600,
            public_base_url="http://branch.example/q",
            # tests fill daily caps from one token far faster than customers tap
            issue_burst_per_device=10_000,
        )

    def start(self) -> LiveBranch:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        self.app = create_app(self.settings(), clock=self.clock)
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on")
        server = PromptServer(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        wait_until(lambda: server.started or not thread.is_alive(), what="uvicorn to start")
        assert server.started, "uvicorn stopped before it started serving"
        self._server, self._thread, self._sock = server, thread, sock
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None or self._sock is None:
            return
        self._server.stop()
        self._thread.join(timeout=15)
        self._sock.close()
        assert not self._thread.is_alive(), "uvicorn did not stop within 15 s"
        self._server = self._thread = self._sock = None

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10)

    # --- credentials ----------------------------------------------------------------------
    def device_token(self, name: str, role: Role) -> str:
        if name not in self.tokens:
            assert self.app is not None
            with write_session(self.app.state.engine) as session:
                self.tokens[name] = users.create_device_token(
                    session, name=name, role=role, now=self.clock(), heartbeat_interval_s=1
                )
        return self.tokens[name]

    def user_token(self, name: str, role: Role = Role.TELLER) -> str:
        if name not in self.tokens:
            assert self.app is not None
            with write_session(self.app.state.engine) as session:
                users.create_user(
                    session, username=name, password=PASSWORD, role=role, now=self.clock()
                )
            with self.client() as client:
                r = client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[name] = r.json()["token"]
        return self.tokens[name]

    def auth(self, name: str, role: Role = Role.TELLER) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.user_token(name, role)}"}


@pytest.fixture
def branch(tmp_path: Path) -> Iterator[LiveBranch]:
    """A branch server (``LiveBranch``) with a data directory of the test's own, stopped after
    the test; import it into a conftest or test module to use it by name."""
    live = LiveBranch(data_dir=tmp_path / "var").start()
    try:
        yield live
    finally:
        live.stop()
