"""Kiosk and public endpoints: idempotent issue, estimates, print results, status, lists."""

from __future__ import annotations

from tests.server.core.conftest import Branch


def test_retried_issue_returns_the_same_ticket(branch: Branch) -> None:
    first = branch.issue("A", idempotency_key="press-0001")
    again = branch.issue("A", idempotency_key="press-0001")
    assert again["public_id"] == first["public_id"]
    assert again["number"] == "A001"
    assert (first["replayed"], again["replayed"]) == (False, True)
    nxt = branch.issue("A", idempotency_key="press-0002")
    assert nxt["number"] == "A002"  # the retry did not use up a number


def test_numbering_is_per_service_with_people_ahead_and_estimates(branch: Branch) -> None:
    a1 = branch.issue("A")
    b1 = branch.issue("B")
    a2 = branch.issue("A")
    assert (a1["number"], b1["number"], a2["number"]) == ("A001", "B001", "A002")
    assert a2["people_ahead"] == 1
    # no counter open: treated as one counter, A's default service time is 300 s
    assert a2["estimated_wait_s"] == 300
    services = {s["service_code"]: s for s in branch.client.get("/api/v1/services").json()}
    assert list(services) == ["A", "B", "V", "F"]
    assert services["A"]["waiting"] == 2
    assert services["A"]["estimated_wait_s"] == 600
    assert services["A"]["name"] == {"zh": "个人业务", "en": "Personal"}
    assert services["V"]["waiting"] == 0 and services["V"]["is_open"] is True


def test_estimate_uses_open_counters_and_measured_service_time(branch: Branch) -> None:
    for _ in range(3):
        branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("bob", "/counters/2/open")
    branch.teller_post("alice", "/counters/1/call-next")
    branch.teller_post("alice", "/counters/1/start")
    branch.clock.advance(seconds=100)
    branch.teller_post("alice", "/counters/1/finish")
    queue = {q["service_code"]: q for q in branch.client.get("/api/v1/services").json()}["A"]
    assert queue["open_counters"] == 3 - 1  # counters 1 and 2 serve A (3 is closed)
    assert queue["waiting"] == 2
    assert queue["estimated_wait_s"] == 2 * 100 // 2  # first measured sample: 100 s


def test_ticket_status_follows_the_ticket(branch: Branch) -> None:
    t1 = branch.issue("A")
    t2 = branch.issue("A")
    status = branch.client.get(f"/api/v1/tickets/{t2['public_id']}").json()
    assert status["state"] == "WAITING"
    assert status["people_ahead"] == 1
    assert status["counter_number"] is None
    branch.teller_post("alice", "/counters/3/open")
    called = branch.teller_post("alice", "/counters/3/call-next")
    assert called["ticket"]["public_id"] == t1["public_id"], (called, t1, t2)  # type: ignore[index]
    s1 = branch.client.get(f"/api/v1/tickets/{t1['public_id']}").json()
    assert s1["state"] == "CALLED", s1
    assert s1["counter_number"] == 3
    assert s1["counter_name"] == {"zh": "3号窗口", "en": "Counter 3"}
    assert s1["called_at"] is not None
    s2 = branch.client.get(f"/api/v1/tickets/{t2['public_id']}").json()
    assert s2["people_ahead"] == 0


def test_public_ids_are_unguessable(branch: Branch) -> None:
    ids = {str(branch.issue("A")["public_id"]) for _ in range(5)}
    assert len(ids) == 5
    assert all(len(i) >= 20 for i in ids)


def test_print_result_is_recorded(branch: Branch) -> None:
    t = branch.issue("A")
    r = branch.client.post(
        f"/api/v1/tickets/{t['public_id']}/print-result",
        json={"status": "failed", "reason": "paper out"},
        headers=branch.kiosk(),
    )
    assert r.status_code == 200
    assert r.json() == {
        "public_id": t["public_id"],
        "number": "A001",
        "print_status": "failed",
        "print_error": "paper out",
    }
    r = branch.client.post(
        f"/api/v1/tickets/{t['public_id']}/print-result",
        json={"status": "printed"},
        headers=branch.kiosk(),
    )
    assert r.json()["print_status"] == "printed" and r.json()["print_error"] is None


def test_display_reads_counters_and_queues(branch: Branch) -> None:
    branch.issue("B")
    branch.teller_post("carol", "/counters/4/open")
    branch.teller_post("carol", "/counters/4/call-next")
    counters = branch.client.get("/api/v1/counters", headers=branch.display()).json()
    c4 = next(c for c in counters if c["counter_number"] == 4)
    assert c4["state"] == "OPEN"
    assert c4["teller"] == "carol"
    assert c4["current"]["number"] == "B001"
    assert all(c["state"] == "CLOSED" for c in counters if c["counter_number"] != 4)
    queues = branch.client.get("/api/v1/queues", headers=branch.display()).json()
    assert {q["service_code"]: q["waiting"] for q in queues} == {"A": 0, "B": 0, "V": 0, "F": 0}
    r = branch.client.post("/api/v1/counters/4/finish", headers=branch.display())
    assert r.status_code == 403


def test_healthz(branch: Branch) -> None:
    for path in ("/healthz", "/api/v1/healthz"):
        r = branch.client.get(path)
        assert r.json() == {"status": "ok", "database": "sqlite", "business_day": "2026-11-29"}


def test_openapi_lists_the_api(branch: Branch) -> None:
    spec = branch.client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/tickets",
        "/api/v1/tickets/{public_id}",
        "/api/v1/tickets/{public_id}/print-result",
        "/api/v1/services",
        "/api/v1/healthz",
        "/api/v1/counters/{n}/call-next",
        "/api/v1/counters/{n}/transfer",
        "/api/v1/queues",
    ):
        assert path in paths, path
    assert "ErrorBody" in spec["components"]["schemas"]
    assert branch.client.get("/docs").status_code == 200


def test_a_used_key_with_another_request_is_refused(branch: Branch) -> None:
    first = branch.issue("A", idempotency_key="press-0001")
    r = branch.client.post(
        "/api/v1/tickets",
        json={"service_code": "B", "idempotency_key": "press-0001"},
        headers=branch.kiosk(),
    )
    assert r.status_code == 409
    assert r.json() == {
        "error": "idempotency_conflict",
        "message": {
            "zh": "请求标识 press-0001 已用于A001号（service A, NORMAL, zh），与本次请求不同；"
            "新取号请使用新的标识",
            "en": "idempotency key 'press-0001' was used for ticket A001 (service A, NORMAL, "
            "zh); this request asks for service B, NORMAL, zh: send a new key for a new ticket",
        },
    }
    again = branch.issue("A", idempotency_key="press-0001")  # the true retry still works
    assert again["public_id"] == first["public_id"] and again["replayed"] is True
    assert branch.issue("B")["number"] == "B001"  # the refused request used up no number


def test_people_ahead_is_one_rule_for_the_status_and_a_replayed_answer(branch: Branch) -> None:
    """First-come order within the service: a ticket transferred in keeps its early arrival and
    goes ahead of later ones; the status, a replayed issue answer and the phone page agree."""
    b1 = branch.issue("B")
    branch.clock.advance(minutes=1)
    a1 = branch.issue("A")
    branch.clock.advance(minutes=1)
    a2 = branch.issue("A", idempotency_key="kiosk-1-a2")
    assert a2["people_ahead"] == 1  # a new ticket: everyone waiting for A is ahead
    branch.teller_post("dora", "/counters/4/open")  # counter 4 serves B
    called = branch.teller_post("dora", "/counters/4/call-next")
    assert called["ticket"]["number"] == b1["number"]  # type: ignore[index]
    branch.teller_post("dora", "/counters/4/transfer", {"to_service": "A"})

    def ahead(public_id: object) -> int:
        status = branch.client.get(f"/api/v1/tickets/{public_id}").json()
        return int(status["people_ahead"])

    assert [ahead(t["public_id"]) for t in (b1, a1, a2)] == [0, 1, 2]
    replayed = branch.issue("A", idempotency_key="kiosk-1-a2")
    assert replayed["replayed"] is True and replayed["people_ahead"] == 2
    page = branch.client.get(f"/api/v1/tickets/{a2['public_id']}/view").json()
    facts = {f["label"]["en"]: f["value"]["en"] for f in page["facts"]}
    assert facts["People ahead"] == "2"
