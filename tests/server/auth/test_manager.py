"""The branch manager's role: switches emergency mode and reads the floor, but takes no teller
action and administers no users, devices or branch settings."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest

from branchq_cli.main import main
from tests.server.auth.conftest import PASSWORD, Branch, login

NOTICE = {"zh": "系统维护，请稍候", "en": "System maintenance, please wait"}


async def test_an_admin_makes_a_manager_who_logs_in_as_manager(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    branch.add_user("root", "admin")
    admin = await login(client, "root")
    r = await client.post(
        "/api/v1/admin/users",
        json={"username": "lin", "password": PASSWORD, "role": "manager"},
        headers=admin,
    )
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "manager"
    r = await client.post("/api/v1/auth/login", json={"username": "lin", "password": PASSWORD})
    assert r.json()["role"] == "manager"
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {r.json()['token']}"}
    )
    assert (me.json()["kind"], me.json()["role"]) == ("user", "manager")


async def test_a_manager_switches_emergency_on_and_off_and_is_logged_by_name(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    branch.add_user("lin", "manager")
    manager = await login(client, "lin")
    r = await client.post(
        "/api/v1/admin/emergency/on", json={"notice": NOTICE, "kind": "pause"}, headers=manager
    )
    assert r.status_code == 200, r.text
    assert r.json()["active"] is True and r.json()["by"] == "lin"
    r = await client.get("/api/v1/admin/emergency", headers=manager)
    assert r.json()["kind"] == "pause"
    r = await client.post("/api/v1/admin/emergency/off", headers=manager)
    assert r.status_code == 200 and r.json()["active"] is False
    log = (await client.get("/api/v1/admin/emergency/log", headers=manager)).json()
    assert [(e["action"], e["by"]) for e in log] == [("off", "lin"), ("on", "lin")]


async def test_a_teller_may_not_switch_emergency_and_is_told_who_may(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    branch.add_user("alice", "teller")
    teller = await login(client, "alice")
    r = await client.post("/api/v1/admin/emergency/on", json={"notice": NOTICE}, headers=teller)
    assert r.status_code == 403
    assert r.json()["message"]["en"] == (
        "this needs the role admin or manager; user 'alice' has the role teller"
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        # users, devices and branch settings stay the admin's
        ("GET", "/api/v1/admin/users", None),
        ("POST", "/api/v1/admin/users", {"username": "x", "password": PASSWORD, "role": "admin"}),
        ("POST", "/api/v1/admin/users/lin/password", {"password": PASSWORD}),
        ("POST", "/api/v1/admin/devices", {"name": "k", "role": "kiosk"}),
        ("GET", "/api/v1/admin/devices", None),
        ("PATCH", "/api/v1/admin/services/A", {"is_open": False}),
        ("PUT", "/api/v1/admin/counters/1/skills", {"skills": {"A": 1}}),
        # device health is the technician's
        ("GET", "/api/v1/devices", None),
        # teller actions are the teller's
        ("POST", "/api/v1/counters/1/open", None),
        ("POST", "/api/v1/counters/1/call-next", None),
        ("GET", "/api/v1/tellers/me/today", None),
        # issuing is the kiosk's
        ("POST", "/api/v1/tickets", {"service_code": "A"}),
    ],
)
async def test_a_manager_may_not_administer_nor_act_as_teller_or_device(
    branch: Branch, client: httpx.AsyncClient, method: str, path: str, body: object
) -> None:
    branch.add_user("lin", "manager")
    manager = await login(client, "lin")
    r = await client.request(method, path, json=body, headers=manager)
    assert r.status_code == 403, (path, r.text)
    assert "has the role manager" in r.json()["message"]["en"]


async def test_a_manager_reads_the_floor(branch: Branch, client: httpx.AsyncClient) -> None:
    branch.add_user("lin", "manager")
    manager = await login(client, "lin")
    for path in ("/api/v1/counters", "/api/v1/queues", "/api/v1/counters/1/desk"):
        r = await client.get(path, headers=manager)
        assert r.status_code == 200, (path, r.text)


def test_the_cli_makes_a_manager(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ["--data-dir", str(tmp_path)]
    monkeypatch.setattr("sys.stdin", io.StringIO("very secret 42\n"))
    argv = ["admin", "create-user", "Lin", "--role", "manager", "--password-stdin", *data]
    assert main(argv) == 0
    assert capsys.readouterr().out == "created manager 'lin'\n"
    assert main(["admin", "list-users", *data]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[:3] == ["lin", "manager", "active"]
