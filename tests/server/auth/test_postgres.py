"""The same auth and device flows on a real PostgreSQL the test starts itself."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from branchq_cli.main import main
from tests.server.auth.conftest import Branch
from tests.server.core.pg import postgres_server

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


async def test_cli_login_rate_limit_and_heartbeat_on_postgres(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    branch = Branch(data_dir=tmp_path, database_url=pg_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("pg admin pass\n"))
    argv = ["admin", "create-user", "root", "--role", "admin", "--password-stdin"]
    assert main([*argv, "--database-url", pg_url]) == 0
    try:
        async with branch.client() as client:
            r = await client.post(
                "/api/v1/auth/login", json={"username": "root", "password": "pg admin pass"}
            )
            assert r.json()["role"] == "admin"
            admin = {"Authorization": f"Bearer {r.json()['token']}"}
            r = await client.post(
                "/api/v1/admin/devices",
                json={"name": "bus-1", "role": "panel_bridge"},
                headers=admin,
            )
            bridge = {"Authorization": f"Bearer {r.json()['token']}"}
            beat = {
                "status": "ERROR",
                "detail": "panel 3 not answering",
                "components": [
                    {"id": "panel-3", "kind": "panel", "status": "ERROR", "detail": "timeout"}
                ],
            }
            r = await client.post("/api/v1/devices/me/heartbeat", json=beat, headers=bridge)
            assert r.json()["changed"] == ["bus-1", "bus-1/panel-3"]
            [device] = (await client.get("/api/v1/devices", headers=admin)).json()
            assert (device["status"], device["last_error"]) == ("ERROR", "panel 3 not answering")
            for _ in range(5):
                await client.post(
                    "/api/v1/auth/login", json={"username": "root", "password": "wrong pass"}
                )
            r = await client.post(
                "/api/v1/auth/login", json={"username": "root", "password": "pg admin pass"}
            )
            assert r.status_code == 429
            assert r.headers["Retry-After"] == "1"  # the throttle: 5th failure, wait 1 s
    finally:
        branch.dispose()
