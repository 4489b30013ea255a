"""Check-in at the kiosk through the real server, on a fixed clock: early, on time, late,
too late, and every code that gives no ticket; the appointment ticket is called first near
its slot."""

from __future__ import annotations

from datetime import timedelta

import pytest

from server.contract.common import Role
from tests.server.appointments.conftest import MONDAY_0900, book, check_in, token_of
from tests.server.core.conftest import Branch


def _code(branch: Branch, **kwargs: object) -> str:
    code: str = book(branch.client, **kwargs)["booking"]["code"]  # type: ignore[arg-type]
    return code


@pytest.mark.parametrize(
    ("offset_min", "kind", "category", "note_en"),
    [
        (-30, "APPOINTMENT", "APPOINTMENT", "called with priority around 09:00"),
        (-5, "APPOINTMENT", "APPOINTMENT", "called with priority around 09:00"),
        (0, "APPOINTMENT", "APPOINTMENT", "keep your appointment priority"),
        (15, "APPOINTMENT", "APPOINTMENT", "keep your appointment priority"),
        (16, "NORMAL", "NORMAL", "More than 15 min late"),
        (120, "NORMAL", "NORMAL", "More than 15 min late"),
    ],
)
def test_check_in_by_how_early_or_late(
    branch: Branch, offset_min: int, kind: str, category: str, note_en: str
) -> None:
    code = _code(branch)
    branch.clock.now = MONDAY_0900 + timedelta(minutes=offset_min)
    out = check_in(branch, code.lower(), language="en")
    assert out["kind"] == kind
    assert out["ticket"]["category"] == category
    assert out["ticket"]["service_code"] == "A" and out["ticket"]["language"] == "en"
    assert note_en in out["note"]["en"] and out["note"]["zh"]
    assert out["slot_label"] == "09:00-09:30"
    state = "CHECKED_IN" if kind == "APPOINTMENT" else "LATE"
    assert out["booking"]["state"] == state
    assert out["booking"]["ticket_number"] == out["ticket"]["number"]


def test_the_ticket_carries_the_slot_time_and_is_called_first_near_it(branch: Branch) -> None:
    code = _code(branch)
    branch.clock.now = MONDAY_0900 - timedelta(minutes=20)
    normal = branch.issue("A")  # came before the appointment customer
    out = check_in(branch, code)
    branch.teller_post("alice", "/counters/2/open")
    branch.clock.now = MONDAY_0900 - timedelta(minutes=1)  # within the appointment window
    called = branch.teller_post("alice", "/counters/2/call-next")
    assert called["ticket"]["number"] == out["ticket"]["number"]  # type: ignore[index]
    assert "appointment" in called["reason"]["en"]  # type: ignore[index]
    assert normal["number"] != out["ticket"]["number"]


def test_too_early_is_told_when_to_come_back_and_nothing_is_issued(branch: Branch) -> None:
    code = _code(branch)
    branch.clock.now = MONDAY_0900 - timedelta(minutes=31)
    refused = check_in(branch, code, expect=409)
    assert refused["error"] == "appointment_refused"
    assert "08:30" in refused["message"]["en"] and "08:30" in refused["message"]["zh"]
    queues = branch.client.get("/api/v1/services").json()
    assert all(q["waiting"] == 0 for q in queues)
    branch.clock.now = MONDAY_0900 - timedelta(minutes=30)
    assert check_in(branch, code)["kind"] == "APPOINTMENT"  # nothing was lost


def test_codes_that_give_no_ticket(branch: Branch) -> None:
    used = _code(branch)
    cancelled = book(branch.client)
    tomorrow = _code(branch, start=MONDAY_0900 + timedelta(days=1))
    branch.client.post(f"/api/v1/appointments/manage/{token_of(cancelled)}/cancel")
    branch.clock.now = MONDAY_0900
    first = check_in(branch, used)
    cases = {
        used: ("already checked in", first["ticket"]["number"]),
        cancelled["booking"]["code"]: ("cancelled", "已取消"),
        tomorrow: ("2026-12-01", "请当天再来"),
        "ZZZZ-ZZZZ": ("unknown appointment", "没有这个预约"),
        "0000-OOOO": ("unknown appointment", "没有这个预约"),
    }
    for code, (en, zh) in cases.items():
        refused = check_in(branch, code, expect=404 if "unknown" in en else 409)
        assert en in refused["message"]["en"], refused
        assert zh in refused["message"]["zh"] + refused["message"]["en"], refused
    branch.clock.now = MONDAY_0900 + timedelta(days=2)  # the day after tomorrow's
    expired = check_in(branch, tomorrow, expect=409)
    assert "expired" in expired["message"]["en"] and "已过期" in expired["message"]["zh"]
    waiting = sum(q["waiting"] for q in branch.client.get("/api/v1/services").json())
    assert waiting <= 1  # the one checked-in ticket (abandoned at the day's rollover)


def test_a_retried_check_in_answers_the_same_ticket(branch: Branch) -> None:
    code = _code(branch)
    branch.clock.now = MONDAY_0900
    first = check_in(branch, code, idempotency_key="kiosk-try-0001")
    again = check_in(branch, code, idempotency_key="kiosk-try-0001")
    assert again["ticket"]["public_id"] == first["ticket"]["public_id"]
    assert again["ticket"]["replayed"] is True
    other = check_in(branch, code, idempotency_key="kiosk-try-0002", expect=409)
    assert first["ticket"]["number"] in other["message"]["en"]


def test_a_no_show_coming_late_the_same_day_gets_a_normal_ticket(branch: Branch) -> None:
    code = _code(branch)
    branch.clock.now = MONDAY_0900 + timedelta(hours=1)
    staff = branch.user("desk")
    day = branch.client.get(
        "/api/v1/staff/appointments", params={"day": "2026-11-30"}, headers=staff
    ).json()
    assert day["counts"]["NO_SHOW"] == 1
    out = check_in(branch, code)
    assert out["kind"] == "NORMAL" and out["booking"]["state"] == "LATE"


def test_check_in_needs_a_kiosk(branch: Branch) -> None:
    code = _code(branch)
    r = branch.client.post("/api/v1/appointments/check-in", json={"code": code})
    assert r.status_code == 401
    r = branch.client.post(
        "/api/v1/appointments/check-in", json={"code": code}, headers=branch.user("t1")
    )
    assert r.status_code == 403


def test_check_in_during_an_emergency_keeps_the_booking(branch: Branch) -> None:
    code = _code(branch)
    branch.clock.now = MONDAY_0900
    admin = branch.user("boss", role=Role.ADMIN)
    r = branch.client.post(
        "/api/v1/admin/emergency/on",
        json={"kind": "emergency", "notice": {"zh": "暂停", "en": "Paused"}},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    refused = check_in(branch, code, expect=409)
    assert refused["error"] == "branch_emergency"
    assert branch.client.post("/api/v1/admin/emergency/off", headers=admin).status_code == 200
    assert check_in(branch, code)["kind"] == "APPOINTMENT"
