"""Device tokens: rotated with a grace period (API and CLI), never logged out by the device;
control characters in heartbeat texts never reach a technician's terminal."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import Session, col

from branchq_cli.main import main
from server.store.device_tables import Device
from tests.server.auth.conftest import Branch, login


async def _kiosk(branch: Branch, client: httpx.AsyncClient) -> tuple[dict[str, str], str]:
    branch.add_user("root", "admin")
    admin = await login(client, "root")
    r = await client.post(
        "/api/v1/admin/devices", json={"name": "kiosk-1", "role": "kiosk"}, headers=admin
    )
    assert r.status_code == 201
    return admin, r.json()["token"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_rotation_gives_a_new_token_and_keeps_the_old_for_the_grace_period(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    admin, old = await _kiosk(branch, client)
    r = await client.post(
        "/api/v1/admin/devices/kiosk-1/rotate", json={"grace_s": 600}, headers=admin
    )
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    new = r.json()["token"]
    assert new != old
    assert r.json()["previous_valid_until"].startswith("2026-03-02T09:10:00")
    for token in (old, new):  # both work during the grace period
        assert (await client.get("/api/v1/auth/me", headers=_bearer(token))).status_code == 200
    branch.clock.advance(600)
    assert (await client.get("/api/v1/auth/me", headers=_bearer(old))).status_code == 401
    me = await client.get("/api/v1/auth/me", headers=_bearer(new))
    assert me.json()["name"] == "kiosk-1"


async def test_rotation_with_no_grace_ends_the_old_token_at_once(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    admin, old = await _kiosk(branch, client)
    r = await client.post(
        "/api/v1/admin/devices/kiosk-1/rotate", json={"grace_s": 0}, headers=admin
    )
    assert r.status_code == 200
    assert (await client.get("/api/v1/auth/me", headers=_bearer(old))).status_code == 401


async def test_rotating_a_revoked_or_unknown_device_is_refused(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    admin, _ = await _kiosk(branch, client)
    r = await client.post("/api/v1/admin/devices/nope/rotate", json={}, headers=admin)
    assert r.status_code == 404
    await client.post("/api/v1/admin/devices/kiosk-1/revoke", headers=admin)
    r = await client.post("/api/v1/admin/devices/kiosk-1/rotate", json={}, headers=admin)
    assert r.status_code == 422
    assert "register it again" in r.json()["message"]["en"]


async def test_a_device_cannot_log_itself_out(branch: Branch, client: httpx.AsyncClient) -> None:
    _, token = await _kiosk(branch, client)
    r = await client.post("/api/v1/auth/logout", headers=_bearer(token))
    assert r.status_code == 403
    assert "rotated or revoked by an admin" in r.json()["message"]["en"]
    assert (await client.get("/api/v1/auth/me", headers=_bearer(token))).status_code == 200


async def test_rotate_device_on_the_command_line(
    branch: Branch,
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, old = await _kiosk(branch, client)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    argv = ["admin", "rotate-device", "kiosk-1", "--grace-s", "0"]
    assert main([*argv, "--data-dir", str(branch.data_dir)]) == 0
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0] == "new token for kiosk 'kiosk-1' (shown only once):"
    new = lines[1]
    assert "the old token works until" in out.err
    # the CLI uses the real clock; the app here a pinned one: bring it past the rotation
    branch.clock.now = datetime.now(UTC) + timedelta(seconds=1)
    # the CLI is another process's change: the server's token cache forgets within 5 s;
    # a fresh server sees it at once
    async with branch.client() as fresh:
        assert (await fresh.get("/api/v1/auth/me", headers=_bearer(old))).status_code == 401
        assert (await fresh.get("/api/v1/auth/me", headers=_bearer(new))).status_code == 200


async def test_control_characters_in_heartbeats_are_stripped_and_escaped_in_the_cli(
    branch: Branch,
    client: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _admin, token = await _kiosk(branch, client)
    evil = "paper out\x1b[2J\x1b]0;owned\x07\r\u202eok"
    beat = {
        "status": "ERROR",
        "detail": evil,
        "components": [{"id": "printer\x1b[31m", "kind": "printer", "status": "ERROR",
                        "detail": evil}],
    }  # fmt: skip
    r = await client.post("/api/v1/devices/me/heartbeat", json=beat, headers=_bearer(token))
    assert r.status_code == 200, r.text
    device = r.json()["device"]
    for text in (device["detail"], device["last_error"], device["components"][0]["detail"]):
        assert text.isprintable(), text
        assert "paper out" in text and "owned" in text
    assert device["components"][0]["id"] == "printer [31m"

    # a row written raw by an older server: list-devices escapes it instead
    with Session(branch.engine()) as session:
        session.execute(update(Device).where(col(Device.name) == "kiosk-1").values(last_error=evil))
        session.commit()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["admin", "list-devices", "--data-dir", str(branch.data_dir)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out and "\u202e" not in out
    assert "paper out\\x1b[2J\\x1b]0;owned\\x07\\r\\u202eok" in out
