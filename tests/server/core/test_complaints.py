"""Complaints through the real server with a fixed clock: opened on the phone page or the
rating pad (one per ticket), listed overdue first, taken, assigned, resolved with a note;
the phone number masked except for the owner; the due time and the daily counts; bad input
refused with nothing stored; ``complaint.changed`` events carry neither text nor phone."""

from __future__ import annotations

import httpx
from websockets.sync.client import connect

from server.contract.common import Role
from server.contract.events import ComplaintChanged, Snapshot, Subscribe, parse_server_message
from tests.server.core.conftest import PASSWORD, Branch
from tests.server.core.test_ratings import API, pad, rate_pad, served


def admin(branch: Branch, name: str = "root") -> dict[str, str]:
    return branch.user(name, Role.ADMIN)


def sign_in_again(branch: Branch, *names: str) -> None:
    """Sessions last 12 h: after the clock jumps a day, the staff sign in again."""
    for name in names:
        r = branch.client.post(f"{API}/auth/login", json={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        branch.tokens[name] = r.json()["token"]


def complain_phone(branch: Branch, public_id: object, **body: object) -> httpx.Response:
    payload = {"category": "wait_time", "text": "等了一个多小时", **body}
    return branch.client.post(f"{API}/tickets/{public_id}/complaint", json=payload)


def complaints(branch: Branch, who: str = "root") -> list[dict[str, object]]:
    r = branch.client.get(f"{API}/complaints", headers=admin(branch, who))
    assert r.status_code == 200, r.text
    out: list[dict[str, object]] = r.json()
    return out


def test_complaint_life_cycle_with_a_fixed_clock(branch: Branch) -> None:
    first = served(branch)
    r = complain_phone(branch, first["public_id"], phone="138 1234 5678")
    assert r.status_code == 201, r.text
    receipt = r.json()
    assert receipt["reference"] == f"TS-{receipt['id']:04d}"
    assert "24 小时" in receipt["message"]["zh"] and "24 h" in receipt["message"]["en"]
    assert receipt["due_at"].startswith("2026-11-30T02:00")  # opened 02:00 UTC, due in 24 h

    branch.clock.advance(hours=2)
    second = served(branch, "bob", 2)
    rate_pad(branch, second["public_id"], counter=2, score=1)
    r = branch.client.post(
        f"{API}/counters/2/complaint",
        json={"public_id": second["public_id"], "category": "attitude", "text": "态度很差"},
        headers=pad(branch),
    )
    assert r.status_code == 201, r.text

    listed = complaints(branch)
    assert [c["ticket_number"] for c in listed] == [first["number"], second["number"]]
    one, two = listed
    assert one["phone_masked"] == "138****5678" and one["phone"] is None
    assert one["state"] == "open" and one["overdue"] is False and one["teller"] == "alice"
    assert two["channel"] == "counter" and two["rating_score"] == 1 and two["teller"] == "bob"
    assert two["category_label"] == {"zh": "服务态度", "en": "Staff attitude"}

    # the second is taken; 24 h 1 min after the first was opened, the first is overdue
    r = branch.client.post(f"{API}/complaints/{two['id']}/take", headers=admin(branch))
    assert r.status_code == 200 and r.json()["state"] == "in_progress"
    assert r.json()["owner"] == "root"
    branch.clock.advance(hours=22, minutes=1)
    sign_in_again(branch, "root")
    listed = complaints(branch)
    assert [(c["id"], c["overdue"]) for c in listed] == [(one["id"], True), (two["id"], False)]

    # assigned to a manager, who alone sees the whole phone number
    r = branch.client.post(
        f"{API}/complaints/{one['id']}/take", json={"owner": "dora"}, headers=admin(branch)
    )
    assert r.status_code == 404  # no such user yet
    manager = branch.user("dora", Role.MANAGER)
    r = branch.client.post(
        f"{API}/complaints/{one['id']}/take", json={"owner": "dora"}, headers=admin(branch)
    )
    assert r.status_code == 200 and r.json()["owner"] == "dora" and r.json()["phone"] is None
    mine = branch.client.get(f"{API}/complaints/{one['id']}", headers=manager)
    assert mine.json()["phone"] == "138 1234 5678"
    branch.user("teller9")
    r = branch.client.post(
        f"{API}/complaints/{one['id']}/take", json={"owner": "teller9"}, headers=admin(branch)
    )
    assert r.status_code == 422 and r.json()["field"] == "owner"

    # resolved with a note: final, listed last, no longer overdue
    r = branch.client.post(
        f"{API}/complaints/{one['id']}/resolve",
        json={"note": "  已致电客户致歉，并调整午间窗口排班。 "},
        headers=manager,
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["state"] == "resolved" and done["resolved_by"] == "dora"
    assert done["resolution_note"] == "已致电客户致歉，并调整午间窗口排班。"
    assert done["overdue"] is False
    again = branch.client.post(
        f"{API}/complaints/{one['id']}/resolve", json={"note": "x"}, headers=admin(branch)
    )
    assert again.status_code == 409 and again.json()["error"] == "invalid_transition"
    assert "resolved" in again.json()["message"]["en"] and "已办结" in again.json()["message"]["zh"]
    assert [c["id"] for c in complaints(branch)] == [two["id"], one["id"]]
    open_only = branch.client.get(
        f"{API}/complaints", params={"include_resolved": "false"}, headers=admin(branch)
    ).json()
    assert [c["id"] for c in open_only] == [two["id"]]

    counts = branch.client.get(
        f"{API}/feedback/complaints",
        params={"first_day": "2026-11-29", "last_day": "2026-11-30"},
        headers=admin(branch),
    ).json()
    assert [(d["day"], d["opened"], d["resolved"]) for d in counts["days"]] == [
        ("2026-11-29", 2, 0),
        ("2026-11-30", 0, 1),
    ]
    assert counts["open_now"] == 1 and counts["overdue_now"] == 0


def test_one_complaint_per_ticket_and_a_ticketless_one_at_the_pad(branch: Branch) -> None:
    ticket = served(branch)
    assert complain_phone(branch, ticket["public_id"]).status_code == 201
    for again in (
        complain_phone(branch, ticket["public_id"]),
        branch.client.post(
            f"{API}/counters/1/complaint",
            json={"public_id": ticket["public_id"], "category": "other"},
            headers=pad(branch),
        ),
    ):
        assert again.status_code == 409 and again.json()["error"] == "already_complained"
        assert "请勿重复提交" in again.json()["message"]["zh"]
    r = branch.client.post(
        f"{API}/counters/1/complaint",
        json={"category": "environment", "text": "大厅太冷"},
        headers=pad(branch),
    )
    assert r.status_code == 201, r.text
    listed = complaints(branch)
    assert len(listed) == 2 and listed[1]["ticket_number"] is None
    assert listed[1]["counter_number"] == 1 and listed[1]["teller"] == "alice"


def test_a_waiting_customer_may_complain_but_not_about_yesterdays_ticket(
    branch: Branch,
) -> None:
    waiting = branch.issue("A")
    old = served(branch)
    assert complain_phone(branch, waiting["public_id"]).status_code == 201
    branch.clock.advance(hours=24)
    r = complain_phone(branch, old["public_id"])
    assert r.status_code == 409 and r.json()["error"] == "complaint_closed"


def test_bad_complaints_are_refused_naming_the_field_and_store_nothing(branch: Branch) -> None:
    ticket = served(branch)
    for body, field in (
        ({"category": "rude"}, "category"),
        ({"category": "other", "text": "x" * 501}, "text"),
        ({"category": "other", "phone": "call me"}, "phone"),
        ({"category": "other", "phone": "1" * 30}, "phone"),
    ):
        r = branch.client.post(f"{API}/tickets/{ticket['public_id']}/complaint", json=body)
        assert r.status_code == 422, (body, r.text)
        assert field in r.json()["field"]
    assert complaints(branch) == []
    for path, body in (("take", {"owner": ""}), ("resolve", {"note": "   "})):
        r = branch.client.post(f"{API}/complaints/1/{path}", json=body, headers=admin(branch))
        assert r.status_code == 422, r.text
    r = branch.client.post(f"{API}/complaints/99/take", headers=admin(branch))
    assert r.status_code == 404
    assert branch.client.get(f"{API}/complaints", headers=branch.user("alice")).status_code == 403
    assert branch.client.get(f"{API}/complaints").status_code == 401


def test_complaint_events_carry_neither_text_nor_phone(branch: Branch) -> None:
    ticket = served(branch)
    url = str(branch.client.base_url).replace("http://", "ws://") + "/api/v1/ws"
    token = branch.display()["Authorization"].removeprefix("Bearer ")
    with connect(url, open_timeout=10) as ws:
        ws.send(Subscribe(token=token).model_dump_json())
        assert isinstance(parse_server_message(ws.recv(timeout=10)), Snapshot)
        complain_phone(branch, ticket["public_id"], phone="13812345678", text="秘密细节")
        raw = ""
        for _ in range(20):
            raw = str(ws.recv(timeout=10))
            if "complaint.changed" in raw:
                break
    event = parse_server_message(raw)
    assert isinstance(event, ComplaintChanged) and event.action == "opened"
    assert event.complaint.ticket_number == ticket["number"]
    assert "13812345678" not in raw and "秘密细节" not in raw
