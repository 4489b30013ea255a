"""Wait alerts through the real server (pinned clock): raised by queue events, stored, sent on
the event stream and in the snapshot, kept between 80 % and 100 % of the target, cleared by
themselves, acknowledged by a manager only."""

from __future__ import annotations

import json
from typing import Any

from websockets.sync.client import connect

from server.contract.common import Role
from server.services.alerts import check_alerts
from server.services.views import snapshot
from tests.server.core.conftest import Branch
from tests.server.core.live import wait_until


def _floor(branch: Branch) -> dict[str, Any]:
    r = branch.client.get("/api/v1/console/floor", headers=branch.user("lin", Role.MANAGER))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _grow_a_past_target(branch: Branch) -> list[dict[str, Any]]:
    """Counter 3 open for A; four A tickets waiting: 4 x 5 min / 1 counter = 20 min > 15."""
    branch.teller_post("carol", "/counters/3/open")
    return [branch.issue("A") for _ in range(4)]


def _receive_until(ws: Any, kind: str) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = json.loads(ws.recv(timeout=10))
        if message["type"] == kind:
            return message


def test_a_queue_past_its_target_raises_an_alert_on_the_stream_and_in_the_floor(
    branch: Branch,
) -> None:
    url = str(branch.client.base_url).replace("http", "ws", 1) + "/api/v1/ws"
    token = branch.user("carol")["Authorization"].removeprefix("Bearer ")
    with connect(url) as ws:  # a counter terminal's stream
        ws.send(json.dumps({"type": "subscribe", "token": token, "last_seq": None}))
        assert json.loads(ws.recv(timeout=10))["alerts"] == []
        _grow_a_past_target(branch)
        raised = _receive_until(ws, "alert.raised")["alert"]
    assert raised["service_code"] == "A" and raised["kind"] == "wait_over_target"
    assert (raised["state"], raised["value_s"], raised["limit_s"]) == ("open", 1200, 900)
    assert raised["suggestion"]["kind"] == "open_counter"
    assert raised["suggestion"]["counter_number"] == 1
    assert raised["suggestion"]["text"] == {
        "zh": "开放1号窗口办理A（个人业务）",
        "en": "Open Counter 1 for A (Personal)",
    }
    assert raised["helpers"] == [1, 2, 3, 5]  # counters serving A
    floor = _floor(branch)
    assert [a["id"] for a in floor["alerts"]] == [raised["id"]]
    queue_a = next(s for s in floor["services"] if s["queue"]["service_code"] == "A")
    assert (queue_a["queue"]["waiting"], queue_a["target_wait_s"]) == (4, 900)
    # a terminal connecting now has it in its snapshot
    assert [a.id for a in snapshot(branch.app.state.branch).alerts] == [raised["id"]]


def test_the_alert_stays_near_the_target_and_clears_under_80_percent(branch: Branch) -> None:
    tickets = _grow_a_past_target(branch)
    wait_until(lambda: len(_floor(branch)["alerts"]) == 1, what="the alert")
    ctx = branch.app.state.branch
    branch.teller_post("carol", "/counters/3/cancel", {"number": tickets[0]["number"]})
    assert check_alerts(ctx) == []  # 3 x 5 min = 15 min: at the target, over 80 %: kept
    assert _floor(branch)["alerts"][0]["state"] == "open"
    branch.teller_post("carol", "/counters/3/cancel", {"number": tickets[1]["number"]})
    wait_until(lambda: _floor(branch)["alerts"] == [], what="the alert to clear")
    cleared = _floor(branch)["recent_alerts"]
    assert [(a["state"], a["cleared_at"]) for a in cleared] == [
        ("cleared", branch.clock().isoformat().replace("+00:00", "Z"))
    ]
    branch.issue("A")  # 3 waiting again: at the target, not over it: no new alert
    assert check_alerts(ctx) == []


def test_a_ticket_waiting_past_the_max_wait_raises_its_own_alert(branch: Branch) -> None:
    branch.teller_post("carol", "/counters/3/open")
    branch.issue("A")
    ctx = branch.app.state.branch
    assert check_alerts(ctx) == []
    branch.clock.advance(minutes=61)  # the demo branch's max wait is 60 min
    (event,) = check_alerts(ctx)
    alert = event.alert  # type: ignore[attr-defined]
    assert (alert.kind, alert.value_s, alert.limit_s) == ("ticket_over_max_wait", 3660, 3600)
    assert alert.text.en == "Personal (A): a customer has waited 61 min, over the 60 min maximum"


def test_only_a_manager_or_admin_acknowledges_once_and_a_cleared_alert_is_refused(
    branch: Branch,
) -> None:
    tickets = _grow_a_past_target(branch)
    wait_until(lambda: len(_floor(branch)["alerts"]) == 1, what="the alert")
    alert_id = _floor(branch)["alerts"][0]["id"]
    url = f"/api/v1/console/alerts/{alert_id}/acknowledge"
    r = branch.client.post(url, headers=branch.user("carol"))
    assert r.status_code == 403
    assert r.json()["message"]["en"].startswith("this needs the role admin or manager")

    branch.clock.advance(seconds=42)
    r = branch.client.post(url, headers=branch.user("lin", Role.MANAGER))
    assert r.status_code == 200, r.text
    acked = r.json()
    assert (acked["state"], acked["acknowledged_by"]) == ("acknowledged", "lin")
    branch.clock.advance(seconds=5)
    r = branch.client.post(url, headers=branch.user("root", Role.ADMIN))
    assert r.json() == acked  # the first acknowledgement stands

    r = branch.client.post("/api/v1/console/alerts/999/acknowledge", headers=branch.user("lin"))
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = branch.client.post("/api/v1/console/alerts/0/acknowledge", headers=branch.user("lin"))
    assert r.status_code == 422

    for ticket in tickets[:2]:
        branch.teller_post("carol", "/counters/3/cancel", {"number": ticket["number"]})
    check_alerts(branch.app.state.branch)
    r = branch.client.post(url, headers=branch.user("lin"))
    assert r.status_code == 409
    assert r.json()["message"]["en"].startswith(f"alert {alert_id} cleared by itself at")
    assert r.json()["message"]["zh"].startswith(f"提醒 {alert_id} 已于")


def test_the_console_page_is_served_with_a_strict_policy(branch: Branch) -> None:
    r = branch.client.get("/console")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    for name in ("console.js", "floor.js", "complaints.js", "tabs.js", "console.css", "logo.svg"):
        asset = branch.client.get(f"/console/{name}")
        assert asset.status_code == 200, name
    r = branch.client.get("/console/..%2Fconfig.py")
    assert r.status_code == 404
    assert branch.client.get("/console/page.html").status_code == 404  # only at /console


def test_when_the_suggested_counter_opens_the_alert_suggests_the_next_one(
    branch: Branch,
) -> None:
    branch.teller_post("carol", "/counters/3/open")
    for _ in range(8):  # 8 x 5 min / 1 counter = 40 min; still 20 min with two counters
        branch.issue("A")
    check_alerts(branch.app.state.branch)
    (alert,) = _floor(branch)["alerts"]
    assert alert["suggestion"]["counter_number"] == 1
    url = str(branch.client.base_url).replace("http", "ws", 1) + "/api/v1/ws"
    token = branch.user("carol")["Authorization"].removeprefix("Bearer ")
    with connect(url) as ws:
        ws.send(json.dumps({"type": "subscribe", "token": token, "last_seq": None}))
        branch.teller_post("dave", "/counters/1/open")  # the manager followed the suggestion
        changed = _receive_until(ws, "alert.raised")["alert"]
    assert (changed["id"], changed["state"]) == (alert["id"], "open")
    assert changed["suggestion"]["text"]["en"] == "Open Counter 2 for A (Personal)"
    assert changed["raised_at"] == alert["raised_at"]
    assert [a["id"] for a in _floor(branch)["alerts"]] == [alert["id"]]
