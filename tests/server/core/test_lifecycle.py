"""Restart survival, the daily rollover, and events reaching a websocket subscriber."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from websockets.sync.client import connect

from server.contract.events import (
    CounterChanged,
    QueuesChanged,
    Snapshot,
    Subscribe,
    TicketCalled,
    TicketIssued,
    parse_server_message,
)
from tests.server.core.conftest import Branch, Clock, run_branch


def test_tickets_and_numbering_survive_a_restart(tmp_path: Path, clock: Clock) -> None:
    with run_branch(tmp_path, clock) as first:
        t1 = first.issue("A", idempotency_key="press-0001")
        first.issue("A")
        tokens = dict(first.tokens)
    with run_branch(tmp_path, clock, tokens) as second:
        status = second.client.get(f"/api/v1/tickets/{t1['public_id']}").json()
        assert (status["number"], status["state"], status["people_ahead"]) == ("A001", "WAITING", 0)
        assert second.issue("A")["number"] == "A003"
        retried = second.issue("A", idempotency_key="press-0001")
        assert (retried["public_id"], retried["replayed"]) == (t1["public_id"], True)


def test_daily_rollover_abandons_open_tickets_and_restarts_numbering(branch: Branch) -> None:
    waiting = branch.issue("A")
    held = branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call", {"number": "A002"})
    # 02:59 in Shanghai the next morning: still the same business day (rollover at 03:00)
    branch.clock.now = datetime(2026, 11, 29, 18, 59, tzinfo=UTC)
    assert branch.issue("A")["number"] == "A003"
    branch.clock.now = datetime(2026, 11, 29, 19, 0, tzinfo=UTC)
    fresh = branch.issue("A")
    assert fresh["number"] == "A001"
    assert fresh["people_ahead"] == 0
    for old in (waiting, held):
        status = branch.client.get(f"/api/v1/tickets/{old['public_id']}").json()
        assert status["state"] == "ABANDONED"
    counters = branch.client.get("/api/v1/counters", headers=branch.display()).json()
    assert counters[0]["current"] is None  # the abandoned call no longer holds counter 1
    assert branch.client.get("/healthz").json()["business_day"] == "2026-11-30"


def test_events_reach_a_websocket_subscriber(branch: Branch) -> None:
    url = str(branch.client.base_url).replace("http://", "ws://") + "/api/v1/ws"
    display = branch.display()["Authorization"].removeprefix("Bearer ")
    branch.teller_post("alice", "/counters/1/open")
    with connect(url, open_timeout=10) as ws:
        ws.send(Subscribe(token=display).model_dump_json())
        snap = parse_server_message(ws.recv(timeout=10))
        assert isinstance(snap, Snapshot)
        assert [q.service_code for q in snap.queues] == ["A", "B", "V", "F"]
        assert snap.counters[0].teller == "alice"

        t = branch.issue("A")
        issued = parse_server_message(ws.recv(timeout=10))
        assert isinstance(issued, TicketIssued)
        assert issued.seq == snap.seq + 1
        assert issued.ticket.public_id == t["public_id"]
        assert issued.queue.waiting == 1

        branch.teller_post("alice", "/counters/1/call-next")
        called = parse_server_message(ws.recv(timeout=10))
        assert isinstance(called, TicketCalled)
        assert called.seq == snap.seq + 2
        assert called.call.ticket.number == "A001"
        assert called.call.counter_number == 1
        assert called.call.counter_name.en == "Counter 1"
        assert called.reason.en == "Normal x1, waited 0 min, counter weight 1.0"
        assert called.reason.zh == "普通 ×1，已等待0分钟，窗口权重1.0"
        assert called.queue.waiting == 0


def test_rollover_tells_subscribers_the_counters_are_free(branch: Branch) -> None:
    url = str(branch.client.base_url).replace("http://", "ws://") + "/api/v1/ws"
    display = branch.display()["Authorization"].removeprefix("Bearer ")
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    with connect(url, open_timeout=10) as ws:
        ws.send(Subscribe(token=display).model_dump_json())
        snap = parse_server_message(ws.recv(timeout=10))
        assert isinstance(snap, Snapshot)
        assert snap.counters[0].current is not None
        branch.clock.now = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # the next business day
        assert branch.issue("A")["number"] == "A001"
        changed = [parse_server_message(ws.recv(timeout=10)) for _ in range(6)]
        assert all(isinstance(m, CounterChanged) for m in changed)
        first = changed[0]
        assert isinstance(first, CounterChanged)
        assert (first.counter.counter_number, first.counter.current) == (1, None)
        queues = parse_server_message(ws.recv(timeout=10))
        assert isinstance(queues, QueuesChanged)  # yesterday's queues and caps are gone
        assert queues.reason == "new business day"
        a = next(q for q in queues.queues if q.service_code == "A")
        assert (a.waiting, a.unavailable) == (1, None)  # only today's A001
        assert isinstance(parse_server_message(ws.recv(timeout=10)), TicketIssued)
