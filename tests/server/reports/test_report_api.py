"""The report through the real API, on a day played through the real API (tests/.../day.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from server.contract.common import Role
from tests.server.appointments.conftest import MONDAY_0900, MONDAY_0930, book
from tests.server.core.conftest import Branch
from tests.server.reports.day import (
    DAY,
    EXPECTED_BY_SERVICE,
    EXPECTED_BY_TELLER,
    EXPECTED_FEEDBACK,
    EXPECTED_ISSUED_BY_HOUR,
    EXPECTED_TIMES,
    play_day,
)

COUNTS = ("issued", "transferred_in", "called", "served", "no_show", "cancelled", "abandoned",
          "transferred")  # fmt: skip


def get(branch: Branch, path: str, **params: Any) -> Any:
    r = branch.client.get(f"/api/v1{path}", params=params, headers=branch.user("root", Role.ADMIN))
    assert r.status_code == 200, r.text
    return r.json()


def test_report_by_service_has_the_days_exact_figures(branch: Branch) -> None:
    play_day(branch)
    body = get(branch, "/reports", **{"from": DAY.isoformat(), "by": "service"})
    assert body["first_day"] == body["last_day"] == DAY.isoformat()
    rows = {row["key"]: row for row in body["rows"]}
    assert list(rows) == ["A", "B", "V", "F"]  # the branch file's order
    assert rows["A"]["name"] == {"zh": "个人业务", "en": "Personal"}
    for code, expected in EXPECTED_BY_SERVICE.items():
        f = rows[code]["figures"]
        assert tuple(f[k] for k in COUNTS) == expected, code
        mean, p50, p90, top, within, s_mean, s_p50, s_p90 = EXPECTED_TIMES[code]
        assert f["wait"]["mean_s"] == pytest.approx(mean)
        assert (f["wait"]["p50_s"], f["wait"]["p90_s"], f["wait"]["max_s"]) == (p50, p90, top)
        assert f["within_target"] == within
        assert f["service"]["mean_s"] == (None if s_mean is None else pytest.approx(s_mean))
        assert (f["service"]["p50_s"], f["service"]["p90_s"]) == (s_p50, s_p90)
        avg, rated, opened, resolved = EXPECTED_FEEDBACK[code]
        assert (f["satisfaction_avg"], f["satisfaction_count"]) == (avg, rated)
        assert (f["complaints_opened"], f["complaints_resolved"]) == (opened, resolved)
        assert (f["appointments_kept"], f["appointments_missed"]) == (0, 0)  # none booked
    total = body["total"]
    assert (total["issued"], total["served"], total["abandoned"], total["open"]) == (8, 5, 1, 0)
    assert (total["satisfaction_avg"], total["satisfaction_count"]) == (4.0, 2)
    assert (total["complaints_opened"], total["complaints_resolved"]) == (2, 1)


def test_report_by_teller_hour_and_counter(branch: Branch) -> None:
    play_day(branch)
    day = DAY.isoformat()
    by_teller = get(branch, "/reports", **{"from": day, "by": "teller"})
    served = {row["key"]: row["figures"]["served"] for row in by_teller["rows"]}
    assert {k: v for k, v in served.items() if k != "-"} == EXPECTED_BY_TELLER
    assert by_teller["rows"][0]["figures"]["issued"] is None  # issued belongs to queues
    alice = next(r["figures"] for r in by_teller["rows"] if r["key"] == "alice")
    assert (alice["satisfaction_avg"], alice["complaints_opened"]) == (5.0, 2)
    by_hour = get(branch, "/reports", **{"from": day, "by": "hour"})
    assert {r["key"]: r["figures"]["issued"] for r in by_hour["rows"]} == EXPECTED_ISSUED_BY_HOUR
    by_counter = get(branch, "/reports", **{"from": day, "by": "counter"})
    counter_1 = next(r for r in by_counter["rows"] if r["key"] == "1")
    assert counter_1["name"]["zh"] == "1号窗口"
    assert (counter_1["figures"]["served"], counter_1["figures"]["no_show"]) == (3, 1)


def test_a_range_and_an_empty_day(branch: Branch) -> None:
    play_day(branch)
    body = get(branch, "/reports", **{"from": "2026-11-28", "to": "2026-11-30"})
    assert body["total"]["issued"] == 8
    empty = get(branch, "/reports", **{"from": "2026-11-30"})
    assert empty["rows"] == [] and empty["total"]["issued"] == 0
    assert empty["total"]["wait"]["p50_s"] is None and empty["total"]["within_target"] is None


def test_bad_ranges_and_roles_are_refused(branch: Branch) -> None:
    admin = branch.user("root", Role.ADMIN)
    r = branch.client.get(
        "/api/v1/reports", params={"from": "2026-11-29", "to": "2026-11-28"}, headers=admin
    )
    assert r.status_code == 422 and r.json()["field"] == "to"
    assert r.json()["message"]["zh"].startswith("to：")
    r = branch.client.get(
        "/api/v1/reports", params={"from": "2025-01-01", "to": "2026-11-28"}, headers=admin
    )
    assert r.status_code == 422 and "366" in r.json()["message"]["en"]
    r = branch.client.get("/api/v1/reports", params={"by": "weekday"}, headers=admin)
    assert r.status_code == 422 and r.json()["field"] == "query.by"
    r = branch.client.get("/api/v1/reports", params={"from": "29/11/2026"}, headers=admin)
    assert r.status_code == 422
    r = branch.client.get("/api/v1/reports", headers=branch.user("alice"))
    assert r.status_code == 403
    r = branch.client.get("/api/v1/reports", headers=branch.user("mia", Role.MANAGER))
    assert r.status_code == 200
    assert branch.client.get("/api/v1/reports").status_code == 401
    assert branch.client.get("/api/v1/reports", headers=branch.kiosk()).status_code == 403


def test_satisfaction_and_complaints_agree_with_the_feedback_figures(branch: Branch) -> None:
    play_day(branch)
    day = DAY.isoformat()
    report = get(branch, "/reports", **{"from": day, "by": "service"})
    ratings = get(branch, "/feedback/ratings", first_day=day, last_day=day, group_by="service")
    theirs = {g["key"]: (g["average"], g["count"]) for g in ratings["groups"]}
    ours = {
        r["key"]: (r["figures"]["satisfaction_avg"], r["figures"]["satisfaction_count"])
        for r in report["rows"]
        if r["figures"]["satisfaction_count"]
    }
    assert ours == theirs == {"A": (5.0, 1), "B": (3.0, 1)}
    complaints = get(branch, "/feedback/complaints", first_day=day, last_day=day)
    total = report["total"]
    assert (total["complaints_opened"], total["complaints_resolved"]) == (
        complaints["opened"],
        complaints["resolved"],
    )


def test_appointments_kept_and_missed_by_service_and_hour(branch: Branch) -> None:
    kept = book(branch.client)["booking"]
    book(branch.client)  # never comes: missed at the end of its slot
    book(branch.client, start=MONDAY_0930, service="B")  # still to come: neither
    branch.clock.now = MONDAY_0900 - timedelta(minutes=5)
    r = branch.client.post(
        "/api/v1/appointments/check-in", json={"code": kept["code"]}, headers=branch.kiosk()
    )
    assert r.status_code == 200, r.text
    branch.clock.now = MONDAY_0930  # the 09:00-09:30 slot ends
    monday = "2026-11-30"
    by_service = get(branch, "/reports", **{"from": monday, "by": "service"})
    a = next(row["figures"] for row in by_service["rows"] if row["key"] == "A")
    assert (a["appointments_kept"], a["appointments_missed"]) == (1, 1)
    assert a["issued"] == 1  # the kept appointment's ticket, issued at check-in
    by_hour = get(branch, "/reports", **{"from": monday, "by": "hour"})
    nine = next(row["figures"] for row in by_hour["rows"] if row["key"] == "09")
    assert (nine["appointments_kept"], nine["appointments_missed"]) == (1, 1)
    assert (
        by_service["total"]["appointments_kept"],
        by_service["total"]["appointments_missed"],
    ) == (
        1,
        1,
    )
