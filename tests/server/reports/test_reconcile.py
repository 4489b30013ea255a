"""End-of-day reconciliation: a clean played day balances; broken tickets are listed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from server.contract.common import Role
from server.domain.states import TicketState
from server.store.db import write_session
from server.store.tables import Ticket
from tests.server.core.conftest import Branch
from tests.server.reports.day import DAY, end_day, play_day


def reconcile(branch: Branch, day: str = DAY.isoformat(), who: str = "root") -> Any:
    r = branch.client.get(
        "/api/v1/reports/reconcile", params={"day": day}, headers=branch.user(who, Role.ADMIN)
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_a_clean_day_balances(branch: Branch) -> None:
    play_day(branch)
    body = reconcile(branch)
    assert body["balanced"] is True, body["differences"]
    assert body["differences"] == []
    assert body["counts"] == {
        "issued": 8,
        "numbering_issued": 8,
        "served": 5,
        "no_show": 1,
        "cancelled": 1,
        "abandoned": 1,  # A005, never called: an ordinary outcome
        "open": 0,
        "transferred": 1,
        "printed": 8,
        "print_failed": 0,
        "print_pending": 0,
    }


def print_result(branch: Branch, public_id: str, status: str) -> None:
    body = {"status": status} if status == "printed" else {"status": status, "reason": "paper"}
    r = branch.client.post(
        f"/api/v1/tickets/{public_id}/print-result", json=body, headers=branch.kiosk()
    )
    assert r.status_code == 200, r.text


def test_differences_are_listed_by_ticket(branch: Branch) -> None:
    a1, _never_printed, a3, a4 = (str(branch.issue("A")["public_id"]) for _ in range(4))
    print_result(branch, a1, "printed")
    print_result(branch, a3, "failed")
    print_result(branch, a4, "failed")
    print_result(branch, a4, "printed")  # reprinted: fine
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call", {"number": "A001"})
    before = reconcile(branch)  # the day is not over: every ticket still open
    assert before["balanced"] is False
    assert [d["kind"] for d in before["differences"] if d["number"] == "A001"] == ["still_open"]
    assert before["counts"]["open"] == 4
    with write_session(branch.app.state.engine) as session:  # a row changed behind the log
        session.exec(
            update(Ticket).where(Ticket.number == "A004").values(state=TicketState.CANCELLED)
        )
    end_day(branch)  # A001 left CALLED at counter 1, A002 to A004 abandoned waiting
    body = reconcile(branch, who="manager-next-morning")  # the first sign-in has expired
    assert body["balanced"] is False
    listed = [(d["number"], d["kind"]) for d in body["differences"]]
    assert listed == [
        ("A001", "left_at_counter"),
        ("A002", "not_printed"),
        ("A003", "print_failed"),
        ("A004", "state_mismatch"),
    ]
    first = body["differences"][0]
    assert first["detail"]["en"] == "ticket A001 was left CALLED at counter 1 at the rollover"
    assert "1号窗口" in first["detail"]["zh"]
    mismatch = body["differences"][3]
    assert mismatch["detail"]["en"] == (
        "ticket A004 is CANCELLED but its event log leads to WAITING"
    )
    counts = body["counts"]
    assert (counts["issued"], counts["abandoned"], counts["cancelled"]) == (4, 3, 1)
    assert (counts["printed"], counts["print_failed"], counts["print_pending"]) == (2, 1, 1)


def test_reconcile_refuses_a_bad_day(branch: Branch) -> None:
    r = branch.client.get(
        "/api/v1/reports/reconcile",
        params={"day": "2026-02-30"},
        headers=branch.user("root", Role.ADMIN),
    )
    assert r.status_code == 422 and r.json()["field"] == "query.day"
