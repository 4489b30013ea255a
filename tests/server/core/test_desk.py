"""A counter's desk (held ticket with why it was called, what it may call, what it parked)
and a teller's figures today."""

from __future__ import annotations

from typing import Any

from tests.server.core.conftest import Branch


def desk(branch: Branch, n: int, who: str = "alice") -> dict[str, Any]:
    r = branch.client.get(f"/api/v1/counters/{n}/desk", headers=branch.user(who))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def numbers(items: list[dict[str, Any]]) -> list[str]:
    return [i["ticket"]["number"] for i in items]


def test_the_desk_lists_what_the_counter_serves_and_why_its_ticket_was_called(
    branch: Branch,
) -> None:
    branch.issue("A")
    branch.clock.advance(minutes=2)
    branch.issue("B")  # counter 1 does not serve B
    branch.issue("F")
    branch.clock.advance(minutes=3)
    branch.teller_post("alice", "/counters/1/open")
    before = desk(branch, 1)
    assert numbers(before["waiting"]) == ["A001", "F001"]
    assert [w["waited_s"] for w in before["waiting"]] == [300, 180]
    assert before["current"] is None
    assert before["services"] == ["A", "F"]
    assert before["waiting_total"] == 2
    assert before["allowed"] == ["pause", "close", "call-next", "call", "cancel"]

    called = branch.teller_post("alice", "/counters/1/call-next")
    now = desk(branch, 1)
    assert now["current"]["ticket"]["number"] == called["ticket"]["number"] == "A001"
    assert now["current"]["reason"] == called["reason"]
    assert now["current"]["waited_s"] == 300
    assert now["allowed"] == ["pause", "recall", "start", "no-show", "park", "transfer", "cancel"]
    branch.teller_post("alice", "/counters/1/recall")
    assert desk(branch, 1)["current"]["recall_count"] == 1
    branch.teller_post("alice", "/counters/1/park")
    parked = desk(branch, 1)
    assert numbers(parked["parked"]) == ["A001"] and parked["current"] is None
    assert numbers(parked["waiting"]) == ["F001"]
    assert "unpark" in parked["allowed"]
    branch.teller_post("alice", "/counters/1/pause")
    assert desk(branch, 1)["allowed"] == ["open", "close", "cancel"]
    branch.teller_post("alice", "/counters/1/close")
    assert desk(branch, 1)["allowed"] == ["open"]


def test_a_ticket_sent_to_one_counter_is_on_that_counters_desk_only(branch: Branch) -> None:
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    branch.teller_post("alice", "/counters/1/transfer", {"to_counter": 4})
    assert numbers(desk(branch, 4)["waiting"]) == ["A001"]  # 4 serves only B, but it was sent
    assert numbers(desk(branch, 1)["waiting"]) == []


def test_a_tellers_figures_today(branch: Branch) -> None:
    for _ in range(3):
        branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    empty = branch.client.get("/api/v1/tellers/me/today", headers=branch.user("alice")).json()
    assert empty["served"] == 0 and empty["avg_service_s"] is None
    branch.clock.advance(minutes=4)
    for service_min in (2, 4):
        branch.teller_post("alice", "/counters/1/call-next")
        branch.teller_post("alice", "/counters/1/start")
        branch.clock.advance(minutes=service_min)
        branch.teller_post("alice", "/counters/1/finish")
    branch.teller_post("alice", "/counters/1/call-next")
    branch.teller_post("alice", "/counters/1/no-show")
    mine = branch.client.get("/api/v1/tellers/me/today", headers=branch.user("alice")).json()
    assert mine["teller"] == "alice" and mine["served"] == 2 and mine["no_shows"] == 1
    assert mine["avg_service_s"] == 180  # (2 + 4) / 2 minutes
    assert mine["avg_wait_s"] == (240 + 360) // 2  # the second was called 2 minutes later
    other = branch.client.get("/api/v1/tellers/me/today", headers=branch.user("bob")).json()
    assert other["served"] == 0


def test_the_desk_needs_staff(branch: Branch) -> None:
    r = branch.client.get("/api/v1/counters/1/desk", headers=branch.display())
    assert r.status_code == 403
