"""Booking through the real server: slots, the race for the last place, cancel, move, limits,
no-shows, the admin's schedule and the day's list for reports."""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.contract.common import Role
from server.domain.appointments import CODE_ALPHABET
from server.main import create_app
from tests.server.appointments.conftest import (
    MONDAY_0900,
    MONDAY_0930,
    book,
    token_of,
)
from tests.server.core.conftest import Branch, Clock, make_settings
from tests.server.core.live import serve
from tests.server.core.pg import postgres_server


def test_options_and_slots_follow_the_branch_file(branch: Branch) -> None:
    options = branch.client.get("/api/v1/appointments/options").json()
    assert options["today"] == "2026-11-29"  # Sunday in Shanghai
    services = {s["service_code"]: s for s in options["services"]}
    assert sorted(services) == ["A", "B", "V"]
    # Sunday has no hours; the 7 days ahead end on Sunday 12-06; Saturday 12-05 has a morning
    assert services["A"]["days"] == [
        "2026-11-30",
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
        "2026-12-04",
        "2026-12-05",
    ]
    monday = branch.client.get(
        "/api/v1/appointments/slots", params={"service": "A", "day": "2026-11-30"}
    ).json()
    labels = [s["label"] for s in monday["slots"]]
    assert labels[:2] == ["09:00-09:30", "09:30-10:00"]
    assert "12:00-12:30" not in labels and "13:30-14:00" in labels and labels[-1] == "16:30-17:00"
    assert len(labels) == 6 + 7
    assert all(s["free"] == 2 and s["capacity"] == 2 for s in monday["slots"])
    vip = branch.client.get(
        "/api/v1/appointments/slots", params={"service": "V", "day": "2026-11-30"}
    ).json()
    assert [s["label"] for s in vip["slots"]][:2] == ["09:00-10:00", "10:00-11:00"]
    assert vip["slots"][0]["capacity"] == 1


def test_a_booking_has_a_short_unambiguous_code_and_a_masked_contact(branch: Branch) -> None:
    created = book(branch.client, contact="138 1234 5678")
    booking = created["booking"]
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{8}}", booking["code"])
    assert booking["code_display"] == f"{booking['code'][:4]}-{booking['code'][4:]}"
    assert booking["contact"] == "138****5678"
    assert booking["state"] == "BOOKED"
    assert booking["label"] == "2026-11-30 09:00-09:30"
    token = token_of(created)
    assert len(token) >= 32
    shown = branch.client.get(f"/api/v1/appointments/manage/{token}").json()
    assert shown == booking
    qr = branch.client.get(f"/api/v1/appointments/manage/{token}/qr.svg")
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert qr.content.startswith(b"<svg") or b"<svg" in qr.content[:200]
    named = book(branch.client, contact="张三丰")["booking"]
    assert named["contact"] == "张**"
    assert named["code"] != booking["code"]
    # the full contact is nowhere in the database
    from sqlmodel import Session, select

    from server.store.appointment_tables import Appointment

    with Session(branch.app.state.engine) as session:
        stored = [r.contact for r in session.exec(select(Appointment))]
    assert sorted(stored) == ["138****5678", "张**"]


def test_codes_are_not_in_sequence(branch: Branch) -> None:
    codes = [
        book(branch.client, start=MONDAY_0900 + timedelta(minutes=30 * (i % 6)))["booking"]["code"]
        for i in range(10)
    ]
    assert len(set(codes)) == 10
    # no two consecutive codes share their first three characters (random, not counted)
    assert sum(a[:3] == b[:3] for a, b in itertools.pairwise(codes)) <= 1


def test_the_slot_is_full_after_its_capacity(branch: Branch) -> None:
    book(branch.client)
    book(branch.client)
    full = book(branch.client, expect=409)
    assert full["error"] == "slot_full"
    assert "约满" in full["message"]["zh"] and "fully booked" in full["message"]["en"]
    slots = branch.client.get(
        "/api/v1/appointments/slots", params={"service": "A", "day": "2026-11-30"}
    ).json()["slots"]
    assert slots[0]["free"] == 0 and slots[1]["free"] == 2


@pytest.mark.parametrize(
    ("start", "error"),
    [
        ("2026-11-30T01:10:00+00:00", "not the start of a slot"),
        ("2026-11-29T08:00:00+00:00", "no appointments on 2026-11-29"),  # Sunday
        ("2026-11-29T01:00:00+00:00", "already started"),
        ("2026-12-08T01:00:00+00:00", "too far ahead"),
        ("2027-01-01T01:00:00+00:00", "too far ahead"),
    ],
)
def test_a_start_that_is_no_bookable_slot_is_refused(
    branch: Branch, start: str, error: str
) -> None:
    r = branch.client.post(
        "/api/v1/appointments",
        json={"service_code": "A", "start": start, "contact": "13812345678"},
    )
    assert r.status_code == 409, r.text
    assert r.json()["error"] == "appointment_refused"
    assert error in r.json()["message"]["en"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"service_code": "A", "start": "2026-11-30T09:00:00", "contact": "x"}, "start"),
        ({"service_code": "A", "start": "2026-11-30T01:00:00Z", "contact": ""}, "contact"),
        ({"service_code": "A", "start": "2026-11-30T01:00:00Z", "contact": "x" * 41}, "contact"),
        ({"service_code": "A", "start": "2026-11-30T01:00:00Z", "contact": "\x07bell"}, "contact"),
        ({"service_code": "A", "start": "2026-11-30T01:00:00Z"}, "contact"),
        ({"service_code": "A" * 9, "start": "2026-11-30T01:00:00Z", "contact": "x"}, "service"),
    ],
)
def test_bad_booking_input_is_refused_naming_the_field(
    branch: Branch, body: dict[str, Any], field: str
) -> None:
    r = branch.client.post("/api/v1/appointments", json=body)
    assert r.status_code == 422, r.text
    assert field in (r.json().get("field") or "") + r.json()["message"]["en"]
    day = branch.client.get("/api/v1/staff/appointments", params={"day": "2026-11-30"})
    assert day.status_code == 401  # staff only
    listed = branch.client.get(
        "/api/v1/staff/appointments", params={"day": "2026-11-30"}, headers=_staff(branch)
    )
    assert listed.json()["appointments"] == []  # nothing was stored


def test_unknown_or_closed_service_is_404(branch: Branch) -> None:
    r = book(branch.client, service="F", expect=404)  # F takes no appointments in the demo
    assert "F" in r["message"]["en"] and "A" in r["message"]["en"]


def test_cancel_frees_the_place_and_cannot_be_repeated(branch: Branch) -> None:
    first = book(branch.client)
    book(branch.client)
    token = token_of(first)
    r = branch.client.post(f"/api/v1/appointments/manage/{token}/cancel")
    assert r.status_code == 200 and r.json()["state"] == "CANCELLED"
    again = branch.client.post(f"/api/v1/appointments/manage/{token}/cancel")
    assert again.status_code == 409 and again.json()["error"] == "appointment_refused"
    assert "已取消" in again.json()["message"]["zh"]
    book(branch.client)  # the freed place is bookable again


def test_move_to_a_free_slot_keeps_the_code(branch: Branch) -> None:
    created = book(branch.client)
    token = token_of(created)
    book(branch.client, start=MONDAY_0930)
    book(branch.client, start=MONDAY_0930)
    full = branch.client.post(
        f"/api/v1/appointments/manage/{token}/move", json={"start": MONDAY_0930.isoformat()}
    )
    assert full.status_code == 409 and full.json()["error"] == "slot_full"
    later = MONDAY_0930 + timedelta(minutes=30)
    moved = branch.client.post(
        f"/api/v1/appointments/manage/{token}/move", json={"start": later.isoformat()}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["code"] == created["booking"]["code"]
    assert moved.json()["label"] == "2026-11-30 10:00-10:30"
    slots = branch.client.get(
        "/api/v1/appointments/slots", params={"service": "A", "day": "2026-11-30"}
    ).json()["slots"]
    assert [s["free"] for s in slots[:3]] == [2, 0, 1]


def test_an_unknown_manage_link_is_404(branch: Branch) -> None:
    r = branch.client.get("/api/v1/appointments/manage/" + "x" * 32)
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    short = branch.client.get("/api/v1/appointments/manage/abc")
    assert short.status_code == 422


def test_bookings_are_rate_limited_per_address(branch: Branch) -> None:
    for i in range(10):  # the default burst
        book(branch.client, start=MONDAY_0900 + timedelta(minutes=30 * (i // 2)))
    r = branch.client.post(
        "/api/v1/appointments",
        json={"service_code": "B", "start": MONDAY_0900.isoformat(), "contact": "13812345678"},
    )
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert r.json()["error"] == "too_many_requests"
    # the pages' reads are not limited
    assert branch.client.get("/api/v1/appointments/options").status_code == 200


def test_a_large_body_is_refused_before_it_is_read(branch: Branch) -> None:
    r = branch.client.post(
        "/api/v1/appointments",
        content=b'{"contact":"' + b"x" * 4000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413


def _staff(branch: Branch, role: Role = Role.TELLER) -> dict[str, str]:
    return branch.user(f"staff-{role.value}", role)


def test_no_show_at_the_end_of_the_slot_and_the_day_list(branch: Branch) -> None:
    kept = book(branch.client)["booking"]
    missed = book(branch.client)["booking"]
    cancelled = book(branch.client, start=MONDAY_0930)
    branch.client.post(f"/api/v1/appointments/manage/{token_of(cancelled)}/cancel")
    branch.clock.now = MONDAY_0900 - timedelta(minutes=5)
    r = branch.client.post(
        "/api/v1/appointments/check-in", json={"code": kept["code"]}, headers=branch.kiosk()
    )
    assert r.status_code == 200, r.text
    branch.clock.now = MONDAY_0930 - timedelta(seconds=1)  # the slot has not ended
    day = branch.client.get(
        "/api/v1/staff/appointments", params={"day": "2026-11-30"}, headers=_staff(branch)
    ).json()
    assert day["counts"]["BOOKED"] == 1 and day["counts"]["NO_SHOW"] == 0
    branch.clock.now = MONDAY_0930  # the 09:00-09:30 slot ends
    day = branch.client.get(
        "/api/v1/staff/appointments", params={"day": "2026-11-30"}, headers=_staff(branch)
    ).json()
    states = {a["code"]: a["state"] for a in day["appointments"]}
    assert states[kept["code"]] == "CHECKED_IN"
    assert states[missed["code"]] == "NO_SHOW"
    assert day["counts"] == {
        "BOOKED": 0,
        "CHECKED_IN": 1,
        "LATE": 0,
        "CANCELLED": 1,
        "NO_SHOW": 1,
    }
    assert day["appointments"][0]["contact"] == "138****5678"
    # what the reports count: kept and missed (the cancelled one is neither)
    from datetime import date

    from server.services.appointments import appointment_facts

    facts = appointment_facts(
        branch.app.state.branch, first_day=date(2026, 11, 30), last_day=date(2026, 11, 30)
    )
    assert sorted(f.kept for f in facts) == [False, True]
    assert {f.at for f in facts} == {MONDAY_0900}


def test_staff_book_list_and_cancel_by_code(branch: Branch) -> None:
    r = branch.client.post(
        "/api/v1/staff/appointments",
        json={"service_code": "B", "start": MONDAY_0900.isoformat(), "contact": "王小明"},
        headers=_staff(branch),
    )
    assert r.status_code == 201, r.text
    code = r.json()["booking"]["code"]
    assert r.json()["booking"]["booked_by"] == "staff staff-teller"
    shown = branch.client.get(
        f"/api/v1/staff/appointments/{code[:4]}-{code[4:].lower()}", headers=_staff(branch)
    )
    assert shown.status_code == 200 and shown.json()["contact"] == "王**"
    gone = branch.client.post(f"/api/v1/staff/appointments/{code}/cancel", headers=_staff(branch))
    assert gone.json()["state"] == "CANCELLED"
    kiosk = branch.client.get("/api/v1/staff/appointments", headers=branch.kiosk())
    assert kiosk.status_code == 403
    anonymous = branch.client.post(f"/api/v1/staff/appointments/{code}/cancel")
    assert anonymous.status_code == 401


def test_an_admin_changes_the_schedule(branch: Branch) -> None:
    admin = _staff(branch, Role.ADMIN)
    listed = branch.client.get("/api/v1/admin/appointments/schedules", headers=admin).json()
    assert [s["service_code"] for s in listed] == ["A", "B", "V"]
    assert listed[0]["hours"]["mon"] == ["09:00-12:00", "13:30-17:00"]
    body = {
        "slot_min": 60,
        "capacity": 1,
        "days_ahead": 3,
        "hours": {"mon": ["10:00-12:00"], "sun": ["14:00-16:00"]},
        "closed_dates": ["2026-12-01"],
    }
    r = branch.client.put("/api/v1/admin/appointments/schedules/F", json=body, headers=admin)
    assert r.status_code == 200, r.text
    assert r.json()["updated_by"] == "staff-admin"
    f_days = {
        s["service_code"]: s["days"]
        for s in branch.client.get("/api/v1/appointments/options").json()["services"]
    }["F"]
    assert f_days == ["2026-11-29", "2026-11-30"]  # Sunday afternoon, Monday; 12-01 closed
    slots = branch.client.get(
        "/api/v1/appointments/slots", params={"service": "F", "day": "2026-11-30"}
    ).json()["slots"]
    assert [(s["label"], s["capacity"]) for s in slots] == [("10:00-11:00", 1), ("11:00-12:00", 1)]
    bad = dict(body, hours={"mon": ["10:00-12:00", "11:00-13:00"]})
    r = branch.client.put("/api/v1/admin/appointments/schedules/F", json=bad, headers=admin)
    assert r.status_code == 422 and "overlap" in r.json()["message"]["en"]
    teller = branch.client.put(
        "/api/v1/admin/appointments/schedules/F", json=body, headers=_staff(branch)
    )
    assert teller.status_code == 403
    manager = _staff(branch, Role.MANAGER)
    closed = dict(body, enabled=False)
    r = branch.client.put("/api/v1/admin/appointments/schedules/F", json=closed, headers=manager)
    assert r.status_code == 200 and r.json()["updated_by"] == "staff-manager"
    options = branch.client.get("/api/v1/appointments/options").json()["services"]
    assert "F" not in [s["service_code"] for s in options]


# --- the race for the last place ------------------------------------------------------------


def _race(urls: list[str], *, clients: int) -> list[tuple[int, str]]:
    """``clients`` threads book the same slot at once, spread over the servers at ``urls``."""
    barrier = threading.Barrier(clients)
    statuses: list[tuple[int, str]] = []
    guard = threading.Lock()

    def one(i: int) -> None:
        with httpx.Client(base_url=urls[i % len(urls)], timeout=30) as client:
            barrier.wait()
            r = client.post(
                "/api/v1/appointments",
                json={
                    "service_code": "V",  # one place per slot
                    "start": MONDAY_0900.isoformat(),
                    "contact": f"1380000{i:04d}",
                },
            )
            with guard:
                statuses.append((r.status_code, r.text[:200]))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return statuses


def _servers(database_url: str, data_dir: Path, count: int) -> Iterator[list[str]]:
    clock = Clock()
    with ExitStack() as stack:
        urls = []
        for _ in range(count):
            settings = make_settings(
                data_dir, database_url=database_url, booking_burst_per_address=1000
            )
            client = stack.enter_context(serve(create_app(settings, clock=clock)))
            urls.append(str(client.base_url))
            # one booking first: FastAPI prepares a route on its first request, and pydantic
            # silences a warning there with warnings.catch_warnings, which is not thread-safe
            # (under the suite's filterwarnings=error a race would turn it into a 500)
            book(client, service="A", contact="warm-up")
        yield urls


def _assert_one_winner(urls: list[str], answers: list[tuple[int, str]]) -> None:
    statuses = [status for status, _ in answers]
    assert sorted(set(statuses)) == [201, 409], answers
    assert statuses.count(201) == 1, answers
    assert all("slot_full" in text for status, text in answers if status == 409), answers
    with httpx.Client(base_url=urls[0]) as client:
        slots = client.get(
            "/api/v1/appointments/slots", params={"service": "V", "day": "2026-11-30"}
        ).json()["slots"]
    assert slots[0]["free"] == 0


@pytest.mark.slow
def test_two_servers_on_one_sqlite_file_give_the_last_place_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'branchq.sqlite3'}"
    for urls in _servers(url, tmp_path, 2):
        _assert_one_winner(urls, _race(urls, clients=16))


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
@pytest.mark.slow
def test_two_servers_on_postgresql_give_the_last_place_once(pg_url: str, tmp_path: Path) -> None:
    for urls in _servers(pg_url, tmp_path, 2):
        _assert_one_winner(urls, _race(urls, clients=16))
