"""A business day played through the real API with a fixed, advancing clock, and the figures
it must give (worked out by hand from the script below).

Sunday 2026-11-29, branch time (Asia/Shanghai), from 10:00:

- 10:00 A001 A002 A003 B001 F001 issued; alice opens counter 1, bob 4, carol 6
- 10:02 alice calls A001 (waited 2 min), bob calls B001 (2 min); 10:03 both start
- 10:05 A004 issued; 10:08 alice finishes A001 (5 min)
- 10:09 alice calls A002 (9 min); 10:10 no-show
- 10:10 carol calls F001 (10 min), 10:11 starts, 10:12 transfers it to service A
- 10:13 bob finishes B001 (10 min); 10:14 alice calls A003 (14 min), 10:15 starts
- 10:16 alice cancels A004 (the customer left); 10:20 A003 finished (5 min)
- 10:21 alice calls F001 (9 min in A's queue), 10:22 starts, 10:30 finishes (8 min)
- 11:05 V01 issued, 11:10 A005 issued; dave opens counter 5 and calls V01 at 11:25
  (20 min, over V's 10 min target), starts 11:26, finishes 11:36 (10 min)
- customers rate A001 5 (10:08) and B001 3 (10:13) on their phones; A003's customer complains
  (10:20, left open), F001's too (10:30), a manager takes and resolves that one (10:31)
- every ticket's print is reported printed; then the next business day begins and the
  rollover abandons A005 (never called)
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from server.contract.common import Role
from server.services.rollover import rollover
from tests.server.core.conftest import START, Branch

DAY = date(2026, 11, 29)

EXPECTED_BY_SERVICE = {
    # code: issued, transferred_in, called, served, no_show, cancelled, abandoned, transferred
    "A": (5, 1, 4, 3, 1, 1, 1, 0),
    "B": (1, 0, 1, 1, 0, 0, 0, 0),
    "V": (1, 0, 1, 1, 0, 0, 0, 0),
    "F": (1, 0, 1, 0, 0, 0, 0, 1),
}
# code: wait mean, p50, p90, max (s); within target; service mean, p50, p90 (s)
EXPECTED_TIMES = {
    "A": ((120 + 540 + 840 + 540) / 4, 540, 840, 840, 1.0, 360, 300, 480),
    "B": (120, 120, 120, 120, 1.0, 600, 600, 600),
    "V": (1200, 1200, 1200, 1200, 0.0, 600, 600, 600),
    "F": (600, 600, 600, 600, 1.0, None, None, None),
}
# code: satisfaction avg, ratings, complaints opened, resolved
EXPECTED_FEEDBACK = {
    "A": (5.0, 1, 2, 1),
    "B": (3.0, 1, 0, 0),
    "V": (None, 0, 0, 0),
    "F": (None, 0, 0, 0),
}
EXPECTED_BY_TELLER = {"alice": 3, "bob": 1, "carol": 0, "dave": 1}  # served
EXPECTED_ISSUED_BY_HOUR = {"10": 6, "11": 2}


def play_day(branch: Branch, *, print_all: bool = True) -> dict[str, str]:
    """Play the day; returns printed number -> public id."""
    clock = branch.clock
    clock.now = START
    ids: dict[str, str] = {}

    def issue(service: str) -> None:
        t = branch.issue(service)
        ids[str(t["number"])] = str(t["public_id"])

    def at(minutes: int) -> None:
        clock.now = START + timedelta(minutes=minutes)

    def post(who: str, counter: int, action: str, body: object = None) -> None:
        branch.teller_post(who, f"/counters/{counter}/{action}", body)

    def customer(number: str, what: str, body: object) -> Any:
        r = branch.client.post(f"/api/v1/tickets/{ids[number]}/{what}", json=body)
        assert r.status_code == 201, r.text
        return r.json()

    for service in ("A", "A", "A", "B", "F"):
        issue(service)
    post("alice", 1, "open")
    post("bob", 4, "open")
    post("carol", 6, "open")
    at(2)
    post("alice", 1, "call", {"number": "A001"})
    post("bob", 4, "call-next")
    at(3)
    post("alice", 1, "start")
    post("bob", 4, "start")
    at(5)
    issue("A")
    at(8)
    post("alice", 1, "finish")
    customer("A001", "rating", {"score": 5})
    at(9)
    post("alice", 1, "call", {"number": "A002"})
    at(10)
    post("alice", 1, "no-show")
    post("carol", 6, "call", {"number": "F001"})
    at(11)
    post("carol", 6, "start")
    at(12)
    post("carol", 6, "transfer", {"to_service": "A"})
    at(13)
    post("bob", 4, "finish")
    customer("B001", "rating", {"score": 3})
    at(14)
    post("alice", 1, "call", {"number": "A003"})
    at(15)
    post("alice", 1, "start")
    at(16)
    post("alice", 1, "cancel", {"number": "A004"})
    at(20)
    post("alice", 1, "finish")
    customer("A003", "complaint", {"category": "attitude", "text": "不耐烦"})
    at(21)
    post("alice", 1, "call", {"number": "F001"})
    at(22)
    post("alice", 1, "start")
    at(30)
    post("alice", 1, "finish")
    complaint = customer("F001", "complaint", {"category": "wait_time"})
    at(31)
    manager = branch.user("mia", Role.MANAGER)
    path = f"/api/v1/complaints/{complaint['id']}"
    for step, body in (("take", None), ("resolve", {"note": "called back, apologised"})):
        r = branch.client.post(f"{path}/{step}", json=body, headers=manager)
        assert r.status_code == 200, r.text
    at(65)
    issue("V")
    at(70)
    issue("A")
    post("dave", 5, "open")
    at(85)
    post("dave", 5, "call", {"number": next(n for n in ids if n.startswith("V"))})
    at(86)
    post("dave", 5, "start")
    at(96)
    post("dave", 5, "finish")
    if print_all:
        for public_id in ids.values():
            r = branch.client.post(
                f"/api/v1/tickets/{public_id}/print-result",
                json={"status": "printed"},
                headers=branch.kiosk(),
            )
            assert r.status_code == 200, r.text
    end_day(branch)
    return ids


def end_day(branch: Branch) -> None:
    """The next business day begins (03:30 the next morning): the rollover runs."""
    branch.clock.now = START + timedelta(hours=17, minutes=30)
    rollover(branch.app.state.branch)
