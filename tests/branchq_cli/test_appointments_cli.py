"""`branchq appointments` against the real server, as a process: a teller books for a customer
(local time, contact masked), lists the day, cancels by code; a full slot, an unknown code and
a kiosk-less anonymous caller are refused with the server's words and exit code 1."""

from __future__ import annotations

import re
import subprocess

from server.contract.common import Role
from tests.branchq_cli.live_cli import branch, run_as
from tests.e2e.live import LiveBranch

__all__ = ["branch"]  # the fixture, used by name


def run(branch: LiveBranch, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_as(branch, user, "appointments", *args)


def test_book_list_and_cancel(branch: LiveBranch) -> None:
    branch.user_token("tina", Role.TELLER)
    booked = run(branch, "tina", "book", "V", "2026-11-30T09:00", "--contact", "13812345678")
    assert booked.returncode == 0, booked.stderr
    match = re.search(r"([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4})", booked.stdout)
    assert match, booked.stdout
    code = match.group(1)
    assert "2026-11-30 09:00-10:00" in booked.stdout and "138****5678" in booked.stdout
    assert "13812345678" not in booked.stdout
    assert "staff tina" in booked.stdout and "/api/v1/appointments/manage/" in booked.stdout

    full = run(branch, "tina", "book", "V", "2026-11-30T09:00", "--contact", "张三")
    assert full.returncode == 1 and "fully booked" in full.stderr

    listed = run(branch, "tina", "list", "--day", "2026-11-30")
    assert listed.returncode == 0, listed.stderr
    assert code in listed.stdout and "BOOKED 1" in listed.stdout

    gone = run(branch, "tina", "cancel", code.lower())
    assert gone.returncode == 0, gone.stderr
    assert "CANCELLED" in gone.stdout
    again = run(branch, "tina", "cancel", code)
    assert again.returncode == 1 and "CANCELLED" in again.stderr

    missing = run(branch, "tina", "cancel", "ZZZZ-ZZZZ")
    assert missing.returncode == 1 and "unknown appointment" in missing.stderr
    bad = run(branch, "tina", "book", "A", "tomorrow", "--contact", "x")
    assert bad.returncode == 2 and "2026-12-01T10:30" in bad.stderr
