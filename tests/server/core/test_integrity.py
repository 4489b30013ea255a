"""One bad ticket request never fails another; a number is never live twice.

- poison (an appointment time the store cannot hold) in the middle of a burst from several
  kiosks at once: every valid request gets its ticket, the poison a 422 naming the field;
- a request that slips past validation and fails its batch's transaction fails alone;
- 3,000 tickets of one service with customers served along the way: after the numbers wrap
  no open ticket shares its number, a full service refuses clearly, and ``call`` by number
  takes the one open ticket with it.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import update
from sqlmodel import col, select

from server.contract.common import Role
from server.contract.rest import TicketIssuedOut
from server.domain.errors import ServiceUnavailable
from server.services.context import BranchContext
from server.services.issue_batch import IssueRequest, issue_batch
from server.services.users import create_device_token
from server.store.db import read_session, write_session
from server.store.tables import Ticket
from tests.server.core.conftest import Branch

POISON = "0001-01-01T00:00:00+14:00"  # year 0 in UTC: no datetime can hold it
KIOSKS = 4
PER_KIOSK = 30


def _kiosk_tokens(branch: Branch, n: int) -> list[str]:
    with write_session(branch.app.state.engine) as session:
        return [
            create_device_token(session, name=f"burst-{i}", role=Role.KIOSK, now=branch.clock())
            for i in range(n)
        ]


def test_poison_in_a_burst_from_several_kiosks_fails_alone(branch: Branch) -> None:
    tokens = _kiosk_tokens(branch, KIOSKS)
    base = str(branch.client.base_url)
    start = threading.Barrier(KIOSKS)
    answers: list[list[httpx.Response]] = [[] for _ in range(KIOSKS)]
    poison: list[httpx.Response] = []

    def kiosk(k: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[k]}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            start.wait()
            for i in range(PER_KIOSK):
                if k == 0 and i == PER_KIOSK // 2:  # in the middle of the burst
                    body = {"service_code": "A", "appointment_at": POISON}
                    poison.append(client.post("/api/v1/tickets", json=body))
                body = {"service_code": "AB"[i % 2], "idempotency_key": f"burst-{k}-{i:04d}"}
                answers[k].append(client.post("/api/v1/tickets", json=body))

    threads = [threading.Thread(target=kiosk, args=(k,)) for k in range(KIOSKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)

    statuses = Counter(r.status_code for rs in answers for r in rs)
    assert statuses == {201: KIOSKS * PER_KIOSK}, [
        r.text for rs in answers for r in rs if r.status_code != 201
    ][:3]
    numbers = [r.json()["number"] for rs in answers for r in rs]
    assert len(set(numbers)) == len(numbers)
    (bad,) = poison
    assert bad.status_code == 422, bad.text
    assert bad.json()["field"] == "body.appointment_at"
    with read_session(branch.app.state.engine) as session:
        assert len(session.exec(select(Ticket)).all()) == KIOSKS * PER_KIOSK


def test_a_request_past_validation_that_fails_its_batch_fails_alone(
    branch: Branch,
) -> None:
    ctx: BranchContext = branch.app.state.branch
    slipped = IssueRequest(service_code="A")
    # as if validation had a gap: the store cannot convert this time to UTC
    object.__setattr__(slipped, "appointment_at", datetime.fromisoformat(POISON))
    requests = [IssueRequest(service_code="A"), slipped, IssueRequest(service_code="B")]
    first, failed, last = issue_batch(ctx, requests)
    assert isinstance(first, TicketIssuedOut) and first.number == "A001"
    assert isinstance(failed, Exception) and not isinstance(failed, TicketIssuedOut)
    assert isinstance(last, TicketIssuedOut) and last.number == "B001"
    assert [t["number"] for t in _open(branch)] == ["A001", "B001"]


def _open(branch: Branch) -> list[dict[str, Any]]:
    with read_session(branch.app.state.engine) as session:
        rows = session.exec(
            select(Ticket).where(col(Ticket.state) == "WAITING").order_by(col(Ticket.id))
        ).all()
        return [{"id": t.id, "number": t.number} for t in rows]


def test_three_thousand_tickets_never_give_a_live_number_twice(branch: Branch) -> None:
    ctx: BranchContext = branch.app.state.branch
    engine = branch.app.state.engine
    issued = refused = 0
    for round_ in range(30):  # 30 x 100 = 3,000 requests for service B (numbers B001..B999)
        outcomes = issue_batch(ctx, [IssueRequest(service_code="B") for _ in range(100)])
        for outcome in outcomes:
            if isinstance(outcome, TicketIssuedOut):
                issued += 1
            else:
                assert isinstance(outcome, ServiceUnavailable), outcome
                assert outcome.reason == "numbers_in_use"
                refused += 1
        open_now = _open(branch)
        counts = Counter(t["number"] for t in open_now)
        assert all(n == 1 for n in counts.values()), counts.most_common(3)
        if round_ >= 20:
            continue  # the afternoon rush: nobody is served, the numbers fill up
        # two customers of three are served before the next round; the oldest one waits on
        done = [t["id"] for i, t in enumerate(open_now) if i > 0 and (i + round_) % 3]
        with write_session(engine) as session:
            session.execute(
                update(Ticket)
                .where(col(Ticket.id).in_(done))
                .values(state="DONE", finished_at=datetime.now(UTC))
            )
    assert issued + refused == 3000
    assert issued > 2000  # the numbers wrapped at least twice
    assert refused > 0  # the day ended with every number held: refused, not doubled

    # an open ticket whose number was given before today (and finished): call takes it
    with read_session(engine) as session:
        given = Counter(session.exec(select(Ticket.number)).all())
    oldest = next(t for t in _open(branch) if given[t["number"]] > 2)
    r = branch.client.post("/api/v1/tickets", json={"service_code": "B"}, headers=branch.kiosk())
    assert r.status_code == 409, r.text
    assert r.json()["error"] == "service_unavailable"
    assert "号码已全部占用" in r.text and "every number is in use" in r.text
    headers = branch.user("ann")
    assert branch.client.post("/api/v1/counters/4/open", headers=headers).status_code == 200
    r = branch.client.post(
        "/api/v1/counters/4/call", json={"number": oldest["number"]}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["ticket"]["number"] == oldest["number"]
    with read_session(engine) as session:
        called = session.get(Ticket, oldest["id"])
        assert called is not None and called.state == "CALLED"
