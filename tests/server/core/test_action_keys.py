"""Teller actions with an Idempotency-Key: a retry answers the first answer and never calls a
second customer, also when the connection died after the server committed."""

from __future__ import annotations

import socket
import threading
from typing import Any

import httpx

from tests.server.core.conftest import PASSWORD, Branch
from tests.server.core.live import wait_until


def act(branch: Branch, who: str, path: str, key: str, json: object = None) -> httpx.Response:
    headers = {**branch.user(who), "Idempotency-Key": key}
    return branch.client.post(f"/api/v1{path}", json=json, headers=headers)


def counters(branch: Branch) -> dict[int, Any]:
    r = branch.client.get("/api/v1/counters", headers=branch.user("alice"))
    return {c["counter_number"]: c for c in r.json()}


def waiting_a(branch: Branch) -> int:
    r = branch.client.get("/api/v1/queues", headers=branch.user("alice"))
    return int(next(q for q in r.json() if q["service_code"] == "A")["waiting"])


def test_the_same_key_answers_the_same_call_and_calls_nobody_else(branch: Branch) -> None:
    branch.issue("A")
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    first = act(branch, "alice", "/counters/1/call-next", "press-0001")
    again = act(branch, "alice", "/counters/1/call-next", "press-0001")
    assert first.status_code == again.status_code == 200
    assert first.json()["ticket"]["number"] == again.json()["ticket"]["number"] == "A001"
    assert first.json()["replayed"] is False and again.json()["replayed"] is True
    assert again.json()["reason"] == first.json()["reason"]
    assert waiting_a(branch) == 1  # A002 still waits
    # a new key press is a new action: refused while the counter holds A001
    refused = act(branch, "alice", "/counters/1/call-next", "press-0002")
    assert refused.status_code == 409


def test_a_retry_after_the_connection_died_gets_the_committed_call(branch: Branch) -> None:
    branch.issue("A")
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    token = branch.user("alice")["Authorization"]
    host, port = branch.client.base_url.host, branch.client.base_url.port
    assert port is not None
    request = (
        f"POST /api/v1/counters/1/call-next HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: {token}\r\nIdempotency-Key: press-lost-1\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(request)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    # the connection is gone (reset) before any answer was read; the server still committed
    wait_until(lambda: counters(branch)[1]["current"] is not None, what="the committed call")
    retry = act(branch, "alice", "/counters/1/call-next", "press-lost-1")
    assert retry.status_code == 200, retry.text
    assert retry.json()["ticket"]["number"] == "A001" and retry.json()["replayed"] is True
    assert counters(branch)[1]["current"]["number"] == "A001"
    assert waiting_a(branch) == 1  # no second customer called


def test_the_same_key_with_another_action_or_body_is_a_conflict(branch: Branch) -> None:
    for _ in range(3):
        branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    assert act(branch, "alice", "/counters/1/call", "press-0003", {"number": "A002"}).is_success
    other_body = act(branch, "alice", "/counters/1/call", "press-0003", {"number": "A003"})
    other_action = act(branch, "alice", "/counters/1/recall", "press-0003")
    for r in (other_body, other_action):
        assert r.status_code == 409 and r.json()["error"] == "idempotency_conflict", r.text
    assert "press-0003" in str(other_action.json()["message"])
    assert counters(branch)[1]["current"]["number"] == "A002"


def test_a_refused_action_releases_its_key(branch: Branch) -> None:
    branch.issue("A")
    early = act(branch, "alice", "/counters/1/call-next", "press-0004")
    assert early.status_code == 403  # not signed in: nothing was done
    branch.teller_post("alice", "/counters/1/open")
    later = act(branch, "alice", "/counters/1/call-next", "press-0004")
    assert later.status_code == 200 and later.json()["ticket"]["number"] == "A001"
    assert later.json()["replayed"] is False


def test_a_key_of_the_wrong_length_is_refused(branch: Branch) -> None:
    branch.teller_post("alice", "/counters/1/open")
    r = act(branch, "alice", "/counters/1/call-next", "short")
    assert r.status_code == 422 and r.json()["field"] == "header.Idempotency-Key", r.text


def test_concurrent_retries_of_one_key_call_one_customer(branch: Branch) -> None:
    for _ in range(3):
        branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    headers = {**branch.user("alice"), "Idempotency-Key": "press-race-1"}
    base = str(branch.client.base_url)
    barrier = threading.Barrier(4)
    numbers: list[str] = []

    def press() -> None:
        with httpx.Client(base_url=base, timeout=15) as client:
            barrier.wait()
            r = client.post("/api/v1/counters/1/call-next", headers=headers)
            assert r.status_code == 200, r.text
            numbers.append(r.json()["ticket"]["number"])

    threads = [threading.Thread(target=press) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert numbers == ["A001"] * 4
    assert waiting_a(branch) == 2


def test_keys_are_forgotten_after_two_days(branch: Branch) -> None:
    for _ in range(2):
        branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    assert act(branch, "alice", "/counters/1/call-next", "press-old-1").is_success
    assert act(branch, "alice", "/counters/1/no-show", "press-old-2").is_success
    branch.clock.advance(days=2, minutes=1)
    login = {"username": "alice", "password": PASSWORD}  # the session expired: sign in again
    branch.tokens["alice"] = branch.client.post("/api/v1/auth/login", json=login).json()["token"]
    # a claim purges keys older than two days: the old key is free again for a new action
    assert act(branch, "alice", "/counters/1/pause", "press-new-1").is_success
    reused = act(branch, "alice", "/counters/1/open", "press-old-1")
    assert reused.status_code == 200 and reused.json()["replayed"] is False, reused.text
