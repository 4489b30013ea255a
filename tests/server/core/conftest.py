"""Fixtures for the server core: a real app on a temporary data dir with a pinned clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from server.config import Settings
from server.contract.common import Role
from server.main import create_app
from server.services import users
from server.store.db import write_session
from tests.server.core.live import serve

# 2026-11-29 10:00 in Asia/Shanghai (the demo branch's zone): well after the 03:00 rollover
START = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@dataclass
class Branch:
    """A running app plus helpers to get tokens for each role."""

    client: httpx.Client
    app: FastAPI
    clock: Clock
    data_dir: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def kiosk(self) -> dict[str, str]:
        if "kiosk" not in self.tokens:
            engine = self.app.state.engine
            with write_session(engine) as session:
                self.tokens["kiosk"] = users.create_device_token(
                    session, name="kiosk-1", role=Role.KIOSK, now=self.clock()
                )
        return {"Authorization": f"Bearer {self.tokens['kiosk']}"}

    def display(self) -> dict[str, str]:
        if "display" not in self.tokens:
            engine = self.app.state.engine
            with write_session(engine) as session:
                self.tokens["display"] = users.create_device_token(
                    session, name="lobby", role=Role.DISPLAY, now=self.clock()
                )
        return {"Authorization": f"Bearer {self.tokens['display']}"}

    def user(self, name: str, role: Role = Role.TELLER) -> dict[str, str]:
        if name not in self.tokens:
            engine = self.app.state.engine
            with write_session(engine) as session:
                users.create_user(
                    session, username=name, password=PASSWORD, role=role, now=self.clock()
                )
            creds = {"username": name, "password": PASSWORD}
            r = self.client.post("/api/v1/auth/login", json=creds)
            assert r.status_code == 200, r.text
            self.tokens[name] = r.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def issue(self, service: str = "A", **extra: object) -> dict[str, object]:
        r = self.client.post(
            "/api/v1/tickets", json={"service_code": service, **extra}, headers=self.kiosk()
        )
        assert r.status_code == 201, r.text
        body: dict[str, object] = r.json()
        return body

    def teller_post(self, who: str, path: str, json: object = None) -> dict[str, object]:
        r = self.client.post(f"/api/v1{path}", json=json, headers=self.user(who))
        assert r.status_code == 200, r.text
        body: dict[str, object] = r.json()
        return body


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    # the tests play kiosks far faster than customers tap: lift the per-device issuing rate
    # limit unless a test asks for it (test_issue_limit.py does)
    values: dict[str, object] = {"issue_burst_per_device": 10_000, "rollover_check_s": 3600}
    return Settings(data_dir=data_dir, **{**values, **overrides})  # type: ignore[arg-type]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@contextmanager
def run_branch(
    data_dir: Path, clock: Clock, tokens: dict[str, str] | None = None
) -> Iterator[Branch]:
    """Start the real app on ``data_dir``; ``tokens`` carries tokens over a restart."""
    app = create_app(make_settings(data_dir), clock=clock)
    with serve(app) as client:
        yield Branch(client=client, app=app, clock=clock, data_dir=data_dir, tokens=tokens or {})


@pytest.fixture
def branch(tmp_path: Path, clock: Clock) -> Iterator[Branch]:
    with run_branch(tmp_path, clock) as running:
        yield running
