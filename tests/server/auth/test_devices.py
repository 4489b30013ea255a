"""Device registry and health: heartbeats, components, UNKNOWN after silence, events, revoke."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

import httpx

from server.contract.events import DeviceHealthChanged, parse_server_message
from server.realtime.hub import EventHub
from server.services.devices import sweep_silent
from tests.server.auth.conftest import T0, Branch, login


async def _setup(branch: Branch, client: httpx.AsyncClient) -> tuple[dict[str, str], ...]:
    branch.add_user("root", "admin")
    branch.add_user("tech", "technician")
    admin = await login(client, "root")
    r = await client.post(
        "/api/v1/admin/devices",
        json={"name": "Kiosk-1", "role": "kiosk", "heartbeat_interval_s": 10},
        headers=admin,
    )
    assert r.status_code == 201
    created = r.json()
    assert created["device"]["name"] == "kiosk-1"
    assert created["device"]["status"] == "UNKNOWN"  # never reported
    kiosk = {"Authorization": f"Bearer {created['token']}"}
    return admin, await login(client, "tech"), kiosk


def _events_since(hub: EventHub, seq: int) -> list[Any]:
    sub = hub.subscribe(seq)
    hub.unsubscribe(sub)
    return [parse_server_message(text) for text in sub.initial]


async def test_heartbeat_shows_in_the_technicians_list(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    _, tech, kiosk = await _setup(branch, client)
    beat = {
        "status": "WARNING",
        "detail": "printer paper near end",
        "components": [
            {"id": "printer", "kind": "printer", "status": "WARNING", "detail": "paper low"}
        ],
    }
    r = await client.post("/api/v1/devices/me/heartbeat", json=beat, headers=kiosk)
    assert r.status_code == 200
    assert r.json()["changed"] == ["kiosk-1", "kiosk-1/printer"]
    [device] = (await client.get("/api/v1/devices", headers=tech)).json()
    assert device["kind"] == "kiosk"
    assert device["status"] == "WARNING"
    assert device["detail"] == "printer paper near end"
    assert datetime.fromisoformat(device["last_heartbeat_at"]) == T0
    assert device["last_error"] == "printer paper near end"
    assert device["components"] == [
        {
            "id": "printer",
            "kind": "printer",
            "status": "WARNING",
            "detail": "paper low",
            "updated_at": T0.isoformat().replace("+00:00", "Z"),
            "last_error": "paper low",
            "last_error_at": T0.isoformat().replace("+00:00", "Z"),
        }
    ]


async def test_silence_longer_than_three_intervals_is_unknown(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    _, tech, kiosk = await _setup(branch, client)
    beat = {"status": "OK", "components": [{"id": "printer", "kind": "printer", "status": "OK"}]}
    await client.post("/api/v1/devices/me/heartbeat", json=beat, headers=kiosk)
    branch.clock.advance(30)  # exactly 3 intervals of 10 s: still trusted
    [device] = (await client.get("/api/v1/devices", headers=tech)).json()
    assert (device["status"], device["components"][0]["status"]) == ("OK", "OK")
    branch.clock.advance(1)
    [device] = (await client.get("/api/v1/devices", headers=tech)).json()
    assert device["status"] == "UNKNOWN"
    assert device["components"][0]["status"] == "UNKNOWN"
    assert device["last_error"] is None


async def test_status_changes_are_published_once(branch: Branch, client: httpx.AsyncClient) -> None:
    _, _, kiosk = await _setup(branch, client)
    assert branch.app is not None
    hub: EventHub = branch.app.state.hub
    start = hub.last_seq
    ok = {"status": "OK", "components": [{"id": "printer", "kind": "printer", "status": "OK"}]}
    await client.post("/api/v1/devices/me/heartbeat", json=ok, headers=kiosk)
    branch.clock.advance(5)
    r = await client.post("/api/v1/devices/me/heartbeat", json=ok, headers=kiosk)
    assert r.json()["changed"] == []  # nothing new: nothing published
    branch.clock.advance(5)
    out = {
        "status": "ERROR",
        "detail": "printer out of paper",
        "components": [
            {"id": "printer", "kind": "printer", "status": "ERROR", "detail": "paper out"}
        ],
    }
    await client.post("/api/v1/devices/me/heartbeat", json=out, headers=kiosk)
    events = _events_since(hub, start)
    assert all(isinstance(e, DeviceHealthChanged) for e in events)
    assert [(e.device_id, e.kind, e.status.value, e.detail) for e in events] == [
        ("kiosk-1", "kiosk", "OK", ""),
        ("kiosk-1/printer", "printer", "OK", ""),
        ("kiosk-1", "kiosk", "ERROR", "printer out of paper"),
        ("kiosk-1/printer", "printer", "ERROR", "paper out"),
    ]
    assert [e.seq for e in events] == list(range(start + 1, start + 5))


async def test_a_component_missing_from_the_report_becomes_unknown(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    _, tech, kiosk = await _setup(branch, client)
    two = {
        "status": "OK",
        "components": [
            {"id": "panel-1", "kind": "panel", "status": "OK"},
            {"id": "panel-2", "kind": "panel", "status": "OK"},
        ],
    }
    await client.post("/api/v1/devices/me/heartbeat", json=two, headers=kiosk)
    one = {"status": "OK", "components": [{"id": "panel-1", "kind": "panel", "status": "OK"}]}
    r = await client.post("/api/v1/devices/me/heartbeat", json=one, headers=kiosk)
    assert r.json()["changed"] == ["kiosk-1/panel-2"]
    [device] = (await client.get("/api/v1/devices", headers=tech)).json()
    assert [(c["id"], c["status"], c["detail"]) for c in device["components"]] == [
        ("panel-1", "OK", ""),
        ("panel-2", "UNKNOWN", "not in the device's last report"),
    ]


async def test_bad_heartbeat_is_422_naming_the_field(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    _, _, kiosk = await _setup(branch, client)
    r = await client.post("/api/v1/devices/me/heartbeat", json={"status": "FINE"}, headers=kiosk)
    assert r.status_code == 422
    assert r.json()["field"] == "body.status"
    assert "'FINE'" in r.json()["message"]["en"]


async def test_revoked_device_is_locked_out_and_hidden(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    admin, tech, kiosk = await _setup(branch, client)
    r = await client.post("/api/v1/admin/devices/kiosk-1/revoke", headers=admin)
    assert r.json()["revoked"] is True
    r = await client.post("/api/v1/devices/me/heartbeat", json={"status": "OK"}, headers=kiosk)
    assert r.status_code == 401
    assert (await client.get("/api/v1/devices", headers=tech)).json() == []
    listed = (await client.get("/api/v1/admin/devices", headers=admin)).json()
    assert [(d["name"], d["revoked"], d["status"]) for d in listed] == [
        ("kiosk-1", True, "UNKNOWN")
    ]


async def test_duplicate_device_name_is_409(branch: Branch, client: httpx.AsyncClient) -> None:
    admin, _, _ = await _setup(branch, client)
    r = await client.post(
        "/api/v1/admin/devices", json={"name": "kiosk-1", "role": "display"}, headers=admin
    )
    assert r.status_code == 409
    assert r.json()["message"]["en"] == (
        "device 'kiosk-1' already exists; revoke it or pick another name"
    )


async def test_silence_is_published_once_and_a_heartbeat_ends_it(
    branch: Branch, client: httpx.AsyncClient
) -> None:
    _, tech, kiosk = await _setup(branch, client)
    assert branch.app is not None
    hub: EventHub = branch.app.state.hub
    beat = {"status": "OK", "components": [{"id": "printer", "kind": "printer", "status": "OK"}]}
    await client.post("/api/v1/devices/me/heartbeat", json=beat, headers=kiosk)
    start = hub.last_seq
    branch.clock.advance(31)
    assert sweep_silent(branch.app.state.branch) in (0, 2)  # 0 if the server's own sweep was first
    assert sweep_silent(branch.app.state.branch) == 0  # once per silence
    events = _events_since(hub, start)
    assert [(e.device_id, e.status.value, e.detail) for e in events] == [
        (
            "kiosk-1",
            "UNKNOWN",
            "no heartbeat since 2026-03-02 09:00:00 UTC; expected one every 10 s",
        ),
        ("kiosk-1/printer", "UNKNOWN", "device kiosk-1 is silent"),
    ]
    [device] = (await client.get("/api/v1/devices", headers=tech)).json()
    assert (device["status"], device["detail"]) == ("UNKNOWN", events[0].detail)
    r = await client.post("/api/v1/devices/me/heartbeat", json=beat, headers=kiosk)
    assert r.json()["changed"] == ["kiosk-1", "kiosk-1/printer"]
    assert r.json()["device"]["status"] == "OK"


async def test_the_server_sweeps_silent_devices_by_itself(branch: Branch) -> None:
    async with branch.client() as client:
        _, tech, kiosk = await _setup(branch, client)
        await client.post("/api/v1/devices/me/heartbeat", json={"status": "OK"}, headers=kiosk)
    branch.clock.advance(60)
    async with branch.client() as client:  # restarted: the sweep runs at startup
        deadline = time.monotonic() + 10
        while True:
            [device] = (await client.get("/api/v1/devices", headers=tech)).json()
            if device["detail"].startswith("no heartbeat since") or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.02)
    assert device["status"] == "UNKNOWN"
    assert device["detail"].startswith("no heartbeat since 2026-03-02 09:00:00 UTC")
