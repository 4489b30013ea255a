"""Which tickets a counter may take, and the recall count, through the real API.

Counters of the demo branch: 1 serves A and F, 2 serves A, 3 serves A and F, 4 serves B only.
"""

from __future__ import annotations

from typing import Any

from tests.server.core.conftest import Branch


def _post(branch: Branch, who: str, path: str, json: object = None) -> Any:
    return branch.client.post(f"/api/v1{path}", json=json, headers=branch.user(who))


def test_a_counter_cannot_call_by_number_a_ticket_of_a_service_it_does_not_serve(
    branch: Branch,
) -> None:
    branch.issue("A")
    branch.teller_post("dave", "/counters/4/open")
    r = _post(branch, "dave", "/counters/4/call", {"number": "A001"})
    assert r.status_code == 409
    assert r.json() == {
        "error": "counter_unavailable",
        "message": {
            "zh": "4号窗口不办理A业务（A001号），本窗口办理：B",
            "en": "counter 4: does not serve service A (ticket A001); it serves ['B']",
        },
    }
    # nothing moved: the ticket still waits and counter 1 can call it
    assert branch.teller_post("alice", "/counters/1/open")
    assert branch.teller_post("alice", "/counters/1/call", {"number": "A001"})["ticket"]["state"]


def test_a_counter_cannot_unpark_a_ticket_of_a_service_it_does_not_serve(branch: Branch) -> None:
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    branch.teller_post("alice", "/counters/1/park")
    branch.teller_post("dave", "/counters/4/open")
    r = _post(branch, "dave", "/counters/4/unpark", {"number": "A001"})
    assert r.status_code == 409
    assert r.json()["error"] == "counter_unavailable"
    assert r.json()["message"]["en"].startswith("counter 4: does not serve service A")
    # still parked; counter 2 (serves A) may take it back
    back = branch.teller_post("bob", "/counters/2/open") and branch.teller_post(
        "bob", "/counters/2/unpark", {"number": "A001"}
    )
    assert (back["ticket"]["state"], back["ticket"]["counter_number"]) == ("CALLED", 2)


def test_a_ticket_transferred_to_a_counter_is_called_only_there(branch: Branch) -> None:
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    branch.teller_post("alice", "/counters/1/transfer", {"to_counter": 3})
    branch.teller_post("bob", "/counters/2/open")
    r = _post(branch, "bob", "/counters/2/call", {"number": "A001"})
    assert r.status_code == 409
    assert r.json() == {
        "error": "counter_unavailable",
        "message": {
            "zh": "2号窗口：A001号已转至3号窗口，只能由该窗口叫号",
            "en": "counter 2: ticket A001 was transferred to counter 3; only that counter "
            "can call it",
        },
    }
    # call-next at counter 2 does not see it either; counter 3 gets it by number
    assert branch.teller_post("bob", "/counters/2/call-next")["ticket"] is None
    branch.teller_post("carol", "/counters/3/open")
    got = branch.teller_post("carol", "/counters/3/call", {"number": "A001"})
    assert (got["ticket"]["number"], got["ticket"]["counter_number"]) == ("A001", 3)


def test_a_ticket_transferred_to_a_counter_is_its_call_next(branch: Branch) -> None:
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    branch.teller_post("alice", "/counters/1/transfer", {"to_counter": 4})  # B-only counter
    branch.teller_post("dave", "/counters/4/open")
    got = branch.teller_post("dave", "/counters/4/call-next")
    assert (got["ticket"]["number"], got["ticket"]["counter_number"]) == ("A001", 4)


def test_the_recall_count_is_the_tickets_in_every_answer(branch: Branch) -> None:
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    called = branch.teller_post("alice", "/counters/1/call-next")
    assert (called["recall_count"], called["ticket"]["recall_count"]) == (0, 0)
    recalled = branch.teller_post("alice", "/counters/1/recall")
    assert (recalled["recall_count"], recalled["ticket"]["recall_count"]) == (1, 1)
    started = branch.teller_post("alice", "/counters/1/start")
    assert (started["recall_count"], started["ticket"]["recall_count"]) == (1, 1)
    parked = branch.teller_post("alice", "/counters/1/park")
    assert parked["recall_count"] == 1
    back = branch.teller_post("alice", "/counters/1/unpark", {"number": "A001"})
    assert (back["recall_count"], back["counter"]["current"]["recall_count"]) == (1, 1)
    paused = branch.teller_post("alice", "/counters/1/pause")
    assert (paused["recall_count"], paused["ticket"]["recall_count"]) == (1, 1)
    counters = branch.client.get("/api/v1/counters", headers=branch.display()).json()
    assert counters[0]["current"]["recall_count"] == 1
