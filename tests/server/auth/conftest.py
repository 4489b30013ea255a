"""Fixtures of the auth tests: the real server app (``create_app``) on a SQLite data directory
in tmp_path, with a pinned clock, reached through httpx's ASGI transport from 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlmodel import Session

from server.branchfile import load_branch
from server.config import DEMO_BRANCH_FILE, Settings
from server.main import create_app
from server.services import users
from server.services.context import BranchContext
from server.store.db import make_engine, migrate

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


@dataclass
class FixedClock:
    """The time the app sees; tests move it explicitly."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Branch:
    """One branch server's state on disk; ``app()`` builds a fresh app (a "restart")."""

    data_dir: Path
    clock: FixedClock = field(default_factory=FixedClock)
    database_url: str | None = None  # None: SQLite in data_dir
    engines: list[Engine] = field(default_factory=list)
    app: FastAPI | None = None

    @property
    def settings(self) -> Settings:
        return Settings(
            data_dir=self.data_dir,
            database_url=self.database_url,
            login_free_failures=3,
            login_max_delay_s=60,
            login_window_s=900,
        )

    def engine(self) -> Engine:
        """An engine of its own on the branch database (as the admin CLI has)."""
        if not self.engines:
            engine = make_engine(self.settings.resolved_database_url)
            migrate(engine)
            self.engines.append(engine)
        return self.engines[0]

    def context(self) -> BranchContext:
        """The use cases' context on ``engine()`` (the demo branch file, this clock)."""
        return BranchContext(
            engine=self.engine(), config=load_branch(DEMO_BRANCH_FILE), clock=self.clock
        )

    @asynccontextmanager
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        """Start the server app (lifespan included) and talk to it from 127.0.0.1."""
        app = create_app(self.settings, clock=self.clock)
        async with app.router.lifespan_context(app):
            self.app = app
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://branch.test") as c:
                yield c

    def add_user(self, username: str, role: str, password: str = PASSWORD) -> None:
        with Session(self.engine()) as session:
            users.create_user(
                session, username=username, password=password, role=role, now=self.clock()
            )

    def dispose(self) -> None:
        for engine in self.engines:
            engine.dispose()


@pytest.fixture
def branch(tmp_path: Path) -> Iterator[Branch]:
    b = Branch(data_dir=tmp_path / "var")
    yield b
    b.dispose()


@pytest.fixture
async def client(branch: Branch) -> AsyncIterator[httpx.AsyncClient]:
    async with branch.client() as c:
        yield c


async def login(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> dict[str, str]:
    """Log in and return the Authorization header."""
    r = await client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}
