"""Fixtures: the real branch app (tests.server.core) on a pinned clock, and booking helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from tests.server.core.conftest import Branch, branch, clock  # noqa: F401  (fixtures)

# Monday 2026-11-30 in Asia/Shanghai; the demo's clock starts on Sunday 29th 10:00 local
MONDAY_0900 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
MONDAY_0930 = datetime(2026, 11, 30, 1, 30, tzinfo=UTC)
MONDAY_1000 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def book(
    client: httpx.Client,
    *,
    start: datetime = MONDAY_0900,
    service: str = "A",
    contact: str = "13812345678",
    expect: int = 201,
    **extra: Any,
) -> dict[str, Any]:
    r = client.post(
        "/api/v1/appointments",
        json={"service_code": service, "start": start.isoformat(), "contact": contact, **extra},
    )
    assert r.status_code == expect, r.text
    body: dict[str, Any] = r.json()
    return body


def token_of(created: dict[str, Any]) -> str:
    url: str = created["manage_url"]
    return url.rsplit("/", 1)[1]


def check_in(b: Branch, code: str, *, expect: int = 200, **extra: Any) -> dict[str, Any]:
    r = b.client.post(
        "/api/v1/appointments/check-in", json={"code": code, **extra}, headers=b.kiosk()
    )
    assert r.status_code == expect, r.text
    body: dict[str, Any] = r.json()
    return body
