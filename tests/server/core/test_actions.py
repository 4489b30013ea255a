"""Teller actions beyond the happy path: recall, no-show, park/unpark, transfer, cancel,
the call policy's reasons, and closing a counter."""

from __future__ import annotations

from typing import Any

from tests.server.core.conftest import Branch


def _ticket(result: dict[str, Any]) -> dict[str, Any]:
    ticket: dict[str, Any] = result["ticket"]
    return ticket


def test_recall_counts_and_no_show_frees_the_counter(branch: Branch) -> None:
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    assert branch.teller_post("alice", "/counters/1/recall")["recall_count"] == 1
    assert branch.teller_post("alice", "/counters/1/recall")["recall_count"] == 2
    gone = branch.teller_post("alice", "/counters/1/no-show")
    assert _ticket(gone)["state"] == "NO_SHOW"
    assert gone["counter"]["current"] is None
    r = branch.client.post("/api/v1/counters/1/recall", headers=branch.user("alice"))
    assert r.status_code == 409


def test_call_next_refuses_while_the_counter_holds_a_ticket(branch: Branch) -> None:
    branch.issue("A")
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    r = branch.client.post("/api/v1/counters/1/call-next", headers=branch.user("alice"))
    assert r.status_code == 409
    assert r.json()["message"]["en"] == (
        "counter 1: still holds ticket A001 (CALLED); finish, park or transfer it first"
    )


def test_nothing_waiting_answers_with_a_reason(branch: Branch) -> None:
    branch.issue("B")  # counter 2 does not serve B
    branch.teller_post("alice", "/counters/2/open")
    result = branch.teller_post("alice", "/counters/2/call-next")
    assert result["ticket"] is None
    assert result["reason"] == {
        "zh": "没有等候2号窗口的客户",
        "en": "no ticket is waiting for counter 2",
    }


def test_policy_prefers_vip_and_says_why(branch: Branch) -> None:
    branch.issue("A", category="NORMAL")
    vip = branch.issue("A", category="VIP")
    branch.clock.advance(minutes=2)
    branch.teller_post("alice", "/counters/1/open")
    result = branch.teller_post("alice", "/counters/1/call-next")
    assert _ticket(result)["public_id"] == vip["public_id"]
    assert result["reason"]["en"] == "VIP x3, waited 2 min, counter weight 1.0"


def test_park_unpark_and_transfer_keep_number_and_arrival(branch: Branch) -> None:
    first = branch.issue("A")
    branch.clock.advance(minutes=1)
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    parked = branch.teller_post("alice", "/counters/1/park")
    assert _ticket(parked)["state"] == "PARKED"
    assert parked["counter"]["current"] is None
    # the counter may serve someone else meanwhile
    assert _ticket(branch.teller_post("alice", "/counters/1/call-next"))["number"] == "A002"
    branch.teller_post("alice", "/counters/1/start")
    branch.teller_post("alice", "/counters/1/finish")
    back = branch.teller_post("alice", "/counters/1/unpark", {"number": "A001"})
    assert _ticket(back)["state"] == "CALLED"
    assert back["counter"]["current"]["number"] == "A001"

    moved = branch.teller_post("alice", "/counters/1/transfer", {"to_service": "F"})
    t = _ticket(moved)
    assert (t["number"], t["service_code"], t["state"]) == ("A001", "F", "WAITING")
    assert t["issued_at"] == first["issued_at"]
    # counter 6 serves F; it gets the transferred ticket
    branch.teller_post("bob", "/counters/6/open")
    got = branch.teller_post("bob", "/counters/6/call-next")
    assert _ticket(got)["public_id"] == first["public_id"]


def test_transfer_to_one_counter(branch: Branch) -> None:
    t = branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    moved = branch.teller_post("alice", "/counters/1/transfer", {"to_counter": 4})
    assert _ticket(moved)["state"] == "WAITING"
    branch.teller_post("bob", "/counters/2/open")  # serves A, but the ticket waits for 4 only
    assert branch.teller_post("bob", "/counters/2/call-next")["ticket"] is None
    branch.teller_post("carol", "/counters/4/open")
    got = branch.teller_post("carol", "/counters/4/call-next")
    assert _ticket(got)["public_id"] == t["public_id"]
    assert "transferred to this counter" in got["reason"]["en"]


def test_transfer_needs_a_destination_and_a_known_service(branch: Branch) -> None:
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    r = branch.client.post("/api/v1/counters/1/transfer", json={}, headers=branch.user("alice"))
    assert r.status_code == 422
    expected = "give to_service (a service code) or to_counter (a counter number)"
    assert expected in r.json()["message"]["en"]
    r = branch.client.post(
        "/api/v1/counters/1/transfer", json={"to_service": "Q"}, headers=branch.user("alice")
    )
    assert r.status_code == 404
    assert r.json()["message"]["en"].startswith("unknown service 'Q'")


def test_cancel_and_call_chosen(branch: Branch) -> None:
    branch.issue("A")
    branch.issue("A")
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    cancelled = branch.teller_post("alice", "/counters/1/cancel", {"number": "a001"})
    assert _ticket(cancelled)["state"] == "CANCELLED"
    chosen = branch.teller_post("alice", "/counters/1/call", {"number": "A003"})
    assert _ticket(chosen)["number"] == "A003"
    assert chosen["reason"]["en"] == "chosen by the teller"
    branch.teller_post("alice", "/counters/1/no-show")
    r = branch.client.post(
        "/api/v1/counters/1/call", json={"number": "A001"}, headers=branch.user("alice")
    )
    assert r.status_code == 409
    assert r.json()["message"]["en"] == "ticket A001 is CANCELLED; call needs WAITING"
    r = branch.client.post(
        "/api/v1/counters/1/call", json={"number": "A999"}, headers=branch.user("alice")
    )
    assert r.status_code == 404


def test_close_refused_while_holding_then_signs_out(branch: Branch) -> None:
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    r = branch.client.post("/api/v1/counters/1/close", headers=branch.user("alice"))
    assert r.status_code == 409
    assert "still holds ticket A001 (CALLED)" in r.json()["message"]["en"]
    branch.teller_post("alice", "/counters/1/start")
    branch.teller_post("alice", "/counters/1/finish")
    closed = branch.teller_post("alice", "/counters/1/close")
    assert closed["counter"] == {
        "counter_number": 1,
        "name": {"zh": "1号窗口", "en": "Counter 1"},
        "state": "CLOSED",
        "teller": None,
        "current": None,
    }
    # now bob may take counter 1; alice is signed in nowhere
    assert branch.teller_post("bob", "/counters/1/open")["counter"]["teller"] == "bob"
    r = branch.client.post("/api/v1/counters/2/open", headers=branch.user("bob"))
    assert r.status_code == 409
    assert "teller 'bob' is signed in to counter 1; close it first" in r.json()["message"]["en"]
