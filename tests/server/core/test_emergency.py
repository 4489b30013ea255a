"""Emergency mode and service pause through the real server: switching, refusing tickets with
the notice, waiting tickets kept, the log, the snapshot, a restart, bad input."""

from __future__ import annotations

from pathlib import Path

from server.contract.common import Role
from tests.server.core.conftest import Branch, Clock, run_branch

NOTICE = {"zh": "消防演练，请有序离开大厅", "en": "Fire drill: please leave the hall calmly"}


def admin(branch: Branch) -> dict[str, str]:
    return branch.user("root", Role.ADMIN)


def switch_on(branch: Branch, **body: object) -> dict[str, object]:
    r = branch.client.post(
        "/api/v1/admin/emergency/on", json={"notice": NOTICE, **body}, headers=admin(branch)
    )
    assert r.status_code == 200, r.text
    out: dict[str, object] = r.json()
    return out


def ask_ticket(branch: Branch, **extra: object) -> tuple[int, dict[str, object]]:
    r = branch.client.post(
        "/api/v1/tickets", json={"service_code": "A", **extra}, headers=branch.kiosk()
    )
    body: dict[str, object] = r.json()
    return r.status_code, body


def waiting(branch: Branch) -> int:
    r = branch.client.get("/api/v1/services", headers=branch.kiosk())
    assert r.status_code == 200, r.text
    return sum(q["waiting"] for q in r.json() if q["service_code"] == "A")


def test_emergency_refuses_tickets_with_the_notice_keeps_the_waiting_and_resumes(
    branch: Branch,
) -> None:
    before = branch.issue("A", idempotency_key="tap-0001-before")
    state = switch_on(branch)
    assert state["active"] is True and state["kind"] == "emergency"
    assert state["notice"] == NOTICE and state["by"] == "root" and state["drill"] is False

    status, body = ask_ticket(branch)
    assert status == 409
    assert body["error"] == "branch_emergency"
    message = body["message"]
    assert isinstance(message, dict)
    assert NOTICE["zh"] in message["zh"] and NOTICE["en"] in message["en"]
    # a retry of a ticket issued before the switch still answers that ticket
    status, replay = ask_ticket(branch, idempotency_key="tap-0001-before")
    assert status == 201 and replay["number"] == before["number"] and replay["replayed"]
    assert waiting(branch) == 1  # the waiting ticket stays ...

    branch.teller_post("alice", "/counters/1/open")
    called = branch.teller_post("alice", "/counters/1/call-next")  # ... and can be called
    assert called["ticket"]["number"] == before["number"]  # type: ignore[index]

    r = branch.client.post("/api/v1/admin/emergency/off", headers=admin(branch))
    assert r.status_code == 200 and r.json()["active"] is False
    after = branch.issue("A")
    assert after["number"] != before["number"]


def test_pause_has_its_own_code_and_the_drill_flag_is_logged_with_who_and_when(
    branch: Branch, clock: Clock
) -> None:
    switch_on(branch, kind="pause", drill=True)
    status, body = ask_ticket(branch)
    assert status == 409 and body["error"] == "branch_paused"
    clock.advance(minutes=5)
    branch.client.post("/api/v1/admin/emergency/off", headers=admin(branch))
    r = branch.client.get("/api/v1/admin/emergency/log", headers=admin(branch))
    assert r.status_code == 200
    log = r.json()
    assert [e["action"] for e in log] == ["off", "on"]
    assert all(e["drill"] is True and e["kind"] == "pause" and e["by"] == "root" for e in log)
    assert log[1]["notice"] == NOTICE and log[0]["notice"] is None
    assert log[0]["at"] > log[1]["at"]
    # off again: nothing to switch, nothing logged
    branch.client.post("/api/v1/admin/emergency/off", headers=admin(branch))
    assert len(branch.client.get("/api/v1/admin/emergency/log", headers=admin(branch)).json()) == 2


def test_the_state_survives_a_restart(tmp_path: Path, clock: Clock) -> None:
    with run_branch(tmp_path, clock) as first:
        switch_on(first, drill=True)
        tokens = dict(first.tokens)
    with run_branch(tmp_path, clock, tokens) as again:
        status, body = ask_ticket(again)
        assert status == 409 and body["error"] == "branch_emergency"
        state = again.client.get("/api/v1/admin/emergency", headers=admin(again)).json()
        assert state["active"] and state["drill"] and state["notice"] == NOTICE


def test_only_an_admin_switches_and_a_bad_notice_is_refused_and_changes_nothing(
    branch: Branch,
) -> None:
    url = "/api/v1/admin/emergency/on"
    r = branch.client.post(url, json={"notice": NOTICE}, headers=branch.user("alice"))
    assert r.status_code == 403
    r = branch.client.post(url, json={"notice": NOTICE}, headers=branch.kiosk())
    assert r.status_code == 403
    bad = (
        {"zh": "  ", "en": "x"},
        {"zh": "停", "en": "e" * 201},
        {"zh": "停"},
        {"zh": "\x00", "en": "x"},
    )
    for notice in bad:
        r = branch.client.post(url, json={"notice": notice}, headers=admin(branch))
        assert r.status_code == 422, r.text
        assert r.json()["error"] == "invalid_request" and r.json()["field"].startswith(
            "body.notice"
        )
    r = branch.client.post(url, json={"notice": NOTICE, "kind": "fire"}, headers=admin(branch))
    assert r.status_code == 422 and r.json()["field"] == "body.kind"
    assert branch.client.get("/api/v1/admin/emergency", headers=admin(branch)).json() == {
        "active": False,
        "kind": None,
        "notice": None,
        "drill": False,
        "since": None,
        "by": None,
    }
    branch.issue("A")  # still issuing
