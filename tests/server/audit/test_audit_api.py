"""Every teller and admin action through the real API leaves exactly one audit entry, with
the right actor, in the same transaction; a refused action leaves none; the API lists and
verifies the chain."""

from __future__ import annotations

from typing import Any

from server.contract.common import Role
from tests.server.core.conftest import PASSWORD, Branch

API = "/api/v1"


def admin(branch: Branch) -> dict[str, str]:
    return branch.user("boss", Role.ADMIN)


def head_seq(branch: Branch) -> int:
    r = branch.client.get(f"{API}/audit", params={"limit": 1}, headers=admin(branch))
    assert r.status_code == 200, r.text
    entries = r.json()["entries"]
    return int(entries[0]["seq"]) if entries else 0


def entries_after(branch: Branch, seq: int) -> list[dict[str, Any]]:
    r = branch.client.get(f"{API}/audit", params={"limit": 500}, headers=admin(branch))
    assert r.status_code == 200, r.text
    return [e for e in reversed(r.json()["entries"]) if e["seq"] > seq]


def one_entry(branch: Branch, before: int, action: str) -> dict[str, Any]:
    new = entries_after(branch, before)
    assert [e["action"] for e in new] == [action], new
    return new[0]


def user_id(branch: Branch, name: str) -> int:
    r = branch.client.get(f"{API}/auth/me", headers=branch.user(name))
    return int(r.json()["id"])


def test_every_teller_action_leaves_one_entry_with_the_teller(branch: Branch) -> None:
    teller = branch.user("teller3")
    tid = user_id(branch, "teller3")
    a1, a2, a3 = (branch.issue("A") for _ in range(3))
    admin(branch)

    def act(path: str, action: str, body: object = None) -> dict[str, Any]:
        before = head_seq(branch)
        r = branch.client.post(f"{API}/counters/3/{path}", json=body, headers=teller)
        assert r.status_code == 200, r.text
        entry = one_entry(branch, before, action)
        assert entry["actor"] == {"kind": "user", "id": tid, "name": "teller3", "role": "teller"}
        assert entry["details"]["counter"] == 3
        return entry

    assert act("open", "counter.open")["subject"] == "counter:3"
    called = act("call-next", "ticket.call_next")
    assert called["subject"] == f"ticket:{a1['public_id']}"
    assert called["details"]["number"] == a1["number"]
    assert act("recall", "ticket.recall")["details"]["recall_count"] == 1
    act("start", "ticket.start")
    assert act("finish", "ticket.finish")["subject"] == f"ticket:{a1['public_id']}"
    chosen = act("call", "ticket.call", {"number": a3["number"]})
    assert chosen["subject"] == f"ticket:{a3['public_id']}"
    act("no-show", "ticket.no_show")
    act("call-next", "ticket.call_next")  # a2
    act("park", "ticket.park")
    act("unpark", "ticket.unpark", {"number": a2["number"]})
    moved = act("transfer", "ticket.transfer", {"to_service": "F"})
    assert moved["details"]["from_service"] == "A" and moved["details"]["to_service"] == "F"
    f1 = branch.issue("F")
    cancelled = act("cancel", "ticket.cancel", {"number": f1["number"]})
    assert cancelled["subject"] == f"ticket:{f1['public_id']}"
    act("pause", "counter.pause")
    act("open", "counter.open")
    act("call-next", "ticket.call_next")  # the transferred A ticket, now in F
    act("no-show", "ticket.no_show")
    nobody = act("call-next", "ticket.call_next")  # nobody waits: recorded as pressed
    assert nobody["subject"] == "counter:3" and nobody["details"]["ticket"] is None
    act("close", "counter.close")


def test_a_refused_action_leaves_no_entry(branch: Branch) -> None:
    teller = branch.user("teller3")
    branch.issue("A")
    branch.teller_post("teller3", "/counters/3/open")
    before = head_seq(branch)
    r = branch.client.post(f"{API}/counters/3/finish", headers=teller)  # nothing held: 409
    assert r.status_code == 409
    r = branch.client.post(f"{API}/counters/4/call-next", headers=teller)  # not signed in: 403
    assert r.status_code == 403
    r = branch.client.post(f"{API}/counters/3/call", json={"number": "Z999"}, headers=teller)
    assert r.status_code in (404, 422)
    r = branch.client.post(f"{API}/admin/users", json={}, headers=teller)  # wrong role
    assert r.status_code in (403, 422)
    assert entries_after(branch, before) == []


def test_a_replayed_key_press_is_audited_once(branch: Branch) -> None:
    teller = {**branch.user("teller3"), "Idempotency-Key": "press-0001"}
    branch.issue("A")
    branch.teller_post("teller3", "/counters/3/open")
    before = head_seq(branch)
    for _ in range(2):
        r = branch.client.post(f"{API}/counters/3/call-next", headers=teller)
        assert r.status_code == 200
    assert [e["action"] for e in entries_after(branch, before)] == ["ticket.call_next"]


def test_every_admin_action_leaves_one_entry_with_the_admin(branch: Branch) -> None:
    boss = admin(branch)
    boss_id = user_id(branch, "boss")

    def act(method: str, path: str, action: str, body: object = None) -> dict[str, Any]:
        before = head_seq(branch)
        r = branch.client.request(method, f"{API}{path}", json=body, headers=boss)
        assert r.status_code in (200, 201), r.text
        entry = one_entry(branch, before, action)
        assert entry["actor"] == {"kind": "user", "id": boss_id, "name": "boss", "role": "admin"}
        return entry

    made = act(
        "POST",
        "/admin/users",
        "user.create",
        {"username": "carol", "password": PASSWORD, "role": "teller"},
    )
    assert made["subject"] == "user:carol" and made["details"]["role"] == "teller"
    assert PASSWORD not in str(made)
    act("POST", "/admin/users/carol/password", "user.password_reset", {"password": PASSWORD})
    act("POST", "/admin/users/carol/disable", "user.disable", {"disabled": True})
    act("POST", "/admin/users/carol/disable", "user.enable", {"disabled": False})
    device = act("POST", "/admin/devices", "device.register", {"name": "kiosk-9", "role": "kiosk"})
    assert device["subject"] == "device:kiosk-9"
    rotated = act("POST", "/admin/devices/kiosk-9/rotate", "device.rotate_token", {"grace_s": 60})
    assert rotated["details"]["grace_s"] == 60
    act("POST", "/admin/devices/kiosk-9/revoke", "device.revoke")
    service = act("PATCH", "/admin/services/B", "service.update", {"is_open": False})
    assert service["details"] == {"is_open": False} and service["subject"] == "service:B"
    skills = act("PUT", "/admin/counters/6/skills", "counter.skills", {"skills": {"A": 2.0}})
    assert skills["details"] == {"skills": {"A": 2.0}}
    act("PATCH", "/admin/categories/VIP", "category.update", {"weight": 3.0})
    notice = {"zh": "消防演习，暂停取号", "en": "Fire drill: no tickets for now"}
    on = act("POST", "/admin/emergency/on", "emergency.on", {"notice": notice, "drill": True})
    assert on["details"]["notice_zh"] == notice["zh"] and on["details"]["drill"] is True
    act("POST", "/admin/emergency/off", "emergency.off")
    # already off: nothing switched, nothing audited
    before = head_seq(branch)
    assert branch.client.post(f"{API}/admin/emergency/off", headers=boss).status_code == 200
    assert entries_after(branch, before) == []


def test_logins_logouts_and_failed_logins_are_audited(branch: Branch) -> None:
    token = branch.user("teller3")  # created by the fixture (setup) and logged in
    before = head_seq(branch)
    creds = {"username": "teller3", "password": "wrong password!"}
    assert branch.client.post(f"{API}/auth/login", json=creds).status_code == 401
    nobody = {"username": "nobody", "password": "whatever123"}
    assert branch.client.post(f"{API}/auth/login", json=nobody).status_code == 401
    good = {"username": "teller3", "password": PASSWORD}
    r = branch.client.post(f"{API}/auth/login", json=good)
    assert r.status_code == 200
    assert branch.client.post(f"{API}/auth/logout", headers=token).status_code == 200
    new = entries_after(branch, before)
    assert [e["action"] for e in new] == [
        "auth.login_failed",
        "auth.login_failed",
        "auth.login",
        "auth.logout",
    ]
    assert new[0]["details"]["reason"] == "wrong password"
    assert new[0]["actor"]["name"] == "teller3" and new[0]["actor"]["role"] == "teller"
    assert new[1]["actor"] == {"kind": "user", "id": None, "name": "nobody", "role": ""}
    assert new[1]["details"] == {"client_ip": "127.0.0.1", "reason": "unknown user"}
    assert "wrong password!" not in str(new)


def test_issuing_is_not_audited(branch: Branch) -> None:
    admin(branch)
    branch.kiosk()  # registering the kiosk is audited (by the test's setup)
    before = head_seq(branch)
    branch.issue("A")
    branch.issue("B")
    assert entries_after(branch, before) == []


def test_the_list_pages_and_filters(branch: Branch) -> None:
    boss = admin(branch)
    branch.issue("A")
    branch.teller_post("teller3", "/counters/3/open")
    branch.teller_post("teller3", "/counters/3/call-next")
    branch.teller_post("teller3", "/counters/3/pause")
    r = branch.client.get(f"{API}/audit", params={"actor": "teller3"}, headers=boss)
    actions = [e["action"] for e in r.json()["entries"]]
    assert actions == ["counter.pause", "ticket.call_next", "counter.open", "auth.login"]
    r = branch.client.get(f"{API}/audit", params={"action": "counter"}, headers=boss)
    assert [e["action"] for e in r.json()["entries"]] == ["counter.pause", "counter.open"]
    r = branch.client.get(f"{API}/audit", params={"action": "ticket.call_next"}, headers=boss)
    assert len(r.json()["entries"]) == 1
    # pages of two, newest first, walk back to seq 1 without a gap or a repeat
    seqs: list[int] = []
    before_seq = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if before_seq is not None:
            params["before_seq"] = before_seq
        page = branch.client.get(f"{API}/audit", params=params, headers=boss).json()
        seqs += [e["seq"] for e in page["entries"]]
        before_seq = page["next_before_seq"]
        if before_seq is None:
            break
    assert seqs == list(range(seqs[0], 0, -1))
    future = branch.clock.now.replace(year=2027).isoformat()
    r = branch.client.get(f"{API}/audit", params={"since": future}, headers=boss)
    assert r.json()["entries"] == []


def test_verify_through_the_api_and_who_may_see_it(branch: Branch) -> None:
    boss = admin(branch)
    branch.teller_post("teller3", "/counters/3/open")
    r = branch.client.get(f"{API}/audit/verify", headers=boss)
    assert r.status_code == 200
    body = r.json()
    assert body["intact"] is True and body["broken_seq"] is None
    assert body["head_seq"] == body["entries"] == head_seq(branch)
    teller = branch.user("teller3")
    assert branch.client.get(f"{API}/audit", headers=teller).status_code == 403
    assert branch.client.get(f"{API}/audit/verify", headers=teller).status_code == 403
    assert branch.client.get(f"{API}/audit").status_code == 401
    r = branch.client.get(f"{API}/audit", params={"limit": 501}, headers=boss)
    assert r.status_code == 422


def test_a_manager_reads_the_trail_and_their_switches_are_in_it(branch: Branch) -> None:
    manager = branch.user("mia", Role.MANAGER)
    mia = user_id(branch, "mia")
    before = head_seq(branch)
    notice = {"zh": "暂停服务", "en": "Service paused"}
    body = {"notice": notice, "kind": "pause"}
    r = branch.client.post(f"{API}/admin/emergency/on", json=body, headers=manager)
    assert r.status_code == 200, r.text
    r = branch.client.get(f"{API}/audit", params={"action": "emergency"}, headers=manager)
    assert r.status_code == 200
    (entry,) = [e for e in r.json()["entries"] if e["seq"] > before]
    assert entry["action"] == "emergency.on" and entry["details"]["kind"] == "pause"
    assert entry["actor"] == {"kind": "user", "id": mia, "name": "mia", "role": "manager"}
    assert branch.client.get(f"{API}/audit/verify", headers=manager).json()["intact"] is True


def test_staff_bookings_schedules_and_complaints_are_audited_not_customers(
    branch: Branch,
) -> None:
    from tests.server.appointments.conftest import MONDAY_0900, book
    from tests.server.core.test_ratings import served

    boss = admin(branch)
    boss_id = user_id(branch, "boss")
    teller = branch.user("teller3")
    ticket = served(branch, "teller3", 3)
    before = head_seq(branch)
    book(branch.client)  # a customer's own booking: not audited
    complaint = {"category": "wait_time", "text": "等了一个多小时"}
    r = branch.client.post(f"{API}/tickets/{ticket['public_id']}/complaint", json=complaint)
    assert r.status_code == 201, r.text
    complaint_id = r.json()["id"]
    assert entries_after(branch, before) == []

    def staff_act(headers: dict[str, str], method: str, path: str, body: object = None) -> Any:
        r = branch.client.request(method, f"{API}{path}", json=body, headers=headers)
        assert r.status_code in (200, 201), r.text
        return r.json()

    body = {"service_code": "B", "start": MONDAY_0900.isoformat(), "contact": "王小明"}
    code = staff_act(teller, "POST", "/staff/appointments", body)["booking"]["code"]
    staff_act(teller, "POST", f"/staff/appointments/{code}/cancel")
    schedule = {"slot_min": 60, "capacity": 1, "days_ahead": 3, "hours": {"mon": ["10:00-12:00"]}}
    staff_act(boss, "PUT", "/admin/appointments/schedules/F", schedule)
    staff_act(boss, "POST", f"/complaints/{complaint_id}/take")
    staff_act(boss, "POST", f"/complaints/{complaint_id}/resolve", {"note": "道歉并解释"})
    new = entries_after(branch, before)
    assert [(e["action"], e["subject"], e["actor"]["name"]) for e in new] == [
        ("appointment.book", f"appointment:{code}", "teller3"),
        ("appointment.cancel", f"appointment:{code}", "teller3"),
        ("appointment.schedule", "service:F", "boss"),
        ("complaint.take", f"complaint:{complaint_id}", "boss"),
        ("complaint.resolve", f"complaint:{complaint_id}", "boss"),
    ]
    assert new[2]["actor"]["id"] == boss_id and new[2]["details"]["slot_min"] == 60
    assert "王小明" not in str(new)  # the customer's contact stays out of the trail


def test_acknowledging_a_wait_alert_is_audited_once(branch: Branch) -> None:
    from tests.server.console.test_alerts import _floor, _grow_a_past_target
    from tests.server.core.live import wait_until

    manager = branch.user("lin", Role.MANAGER)
    admin(branch)
    _grow_a_past_target(branch)
    wait_until(lambda: len(_floor(branch)["alerts"]) == 1, what="the alert")
    alert_id = _floor(branch)["alerts"][0]["id"]
    before = head_seq(branch)
    url = f"{API}/console/alerts/{alert_id}/acknowledge"
    for _ in range(2):  # again: the alert as it is, nothing new
        assert branch.client.post(url, headers=manager).status_code == 200
    entry = one_entry(branch, before, "alert.acknowledge")
    assert entry["subject"] == f"alert:{alert_id}" and entry["actor"]["name"] == "lin"
    assert entry["details"] == {"service": "A", "kind": "wait_over_target"}
