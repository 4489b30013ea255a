"""The per-device issuing rate limit: a kiosk's pace passes, a runaway client gets 429 with
``Retry-After`` and a bilingual message, and other kiosks are not held up."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from server.contract.common import Role
from server.main import create_app
from server.services.errors import IssueRateLimited
from server.services.issue_limit import IssueRateLimit
from server.services.users import create_device_token
from server.store.db import read_session, write_session
from server.store.tables import Ticket
from tests.server.core.conftest import Clock, make_settings
from tests.server.core.live import serve


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_rate_per_device() -> None:
    clock = Monotonic()
    limit = IssueRateLimit(burst=3, per_min=30, clock=clock)  # one every 2 s after the burst
    for _ in range(3):
        limit.take(7)
    with pytest.raises(IssueRateLimited) as info:
        limit.take(7)
    assert info.value.retry_after_s == 2
    assert "retry in 2 s" in info.value.message and "2 秒后再试" in info.value.zh
    limit.take(8)  # another kiosk has its own bucket
    limit.take(None)  # no device: the server's own use
    clock.now += 1.0
    with pytest.raises(IssueRateLimited) as info:
        limit.take(7)
    assert info.value.retry_after_s == 1
    clock.now += 1.0
    limit.take(7)  # refilled: a kiosk at a customer's pace never meets the limit
    clock.now += 3600
    for _ in range(3):
        limit.take(7)  # a full burst again, never more
    with pytest.raises(IssueRateLimited):
        limit.take(7)


def test_a_runaway_kiosk_gets_429_and_others_still_issue(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, issue_burst_per_device=5, issue_rate_per_device_per_min=6)
    clock = Clock()
    app = create_app(settings, clock=clock)
    with serve(app) as client:
        with write_session(app.state.engine) as session:
            runaway, calm = (
                create_device_token(session, name=name, role=Role.KIOSK, now=clock())
                for name in ("kiosk-runaway", "kiosk-calm")
            )
        statuses = [
            client.post(
                "/api/v1/tickets",
                json={"service_code": "A"},
                headers={"Authorization": f"Bearer {runaway}"},
            )
            for _ in range(8)
        ]
        assert [r.status_code for r in statuses] == [201] * 5 + [429] * 3
        refused = statuses[-1]
        assert refused.headers["Retry-After"] == "10"
        body = refused.json()
        assert body["error"] == "too_many_requests"
        assert "取号过于频繁" in body["message"]["zh"] and "faster" in body["message"]["en"]
        r = client.post(
            "/api/v1/tickets",
            json={"service_code": "A"},
            headers={"Authorization": f"Bearer {calm}"},
        )
        assert r.status_code == 201 and r.json()["number"] == "A006"
        with read_session(app.state.engine) as session:
            assert len(session.exec(select(Ticket)).all()) == 6  # the refused took no number
