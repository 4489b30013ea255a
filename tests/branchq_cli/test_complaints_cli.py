"""`branchq complaints` against the real server, as a process: a manager lists the complaints
(phone masked), takes one (then sees the whole number), resolves it with a note; a wrong id and a
teller are refused with the server's words and exit code 1."""

from __future__ import annotations

import subprocess

from server.contract.common import Role
from tests.branchq_cli.live_cli import branch, run_as
from tests.e2e.live import LiveBranch

__all__ = ["branch"]  # the fixture, used by name


def run(branch: LiveBranch, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_as(branch, user, "complaints", *args)


def test_list_take_and_resolve(branch: LiveBranch) -> None:
    branch.user_token("mia", Role.MANAGER)
    branch.user_token("teller9", Role.TELLER)
    kiosk = {"Authorization": f"Bearer {branch.device_token('kiosk-1', Role.KIOSK)}"}
    with branch.client() as client:
        ticket = client.post("/api/v1/tickets", json={"service_code": "A"}, headers=kiosk).json()
        r = client.post(
            f"/api/v1/tickets/{ticket['public_id']}/complaint",
            json={"category": "fees", "text": "收费不明", "phone": "13912345678"},
        )
        assert r.status_code == 201, r.text

    listed = run(branch, "mia", "list")
    assert listed.returncode == 0, listed.stderr
    assert "TS-0001" in listed.stdout and "open" in listed.stdout
    assert "139****5678" in listed.stdout and "13912345678" not in listed.stdout
    assert "收费不明" in listed.stdout and "Fees" in listed.stdout

    taken = run(branch, "mia", "take", "1")
    assert taken.returncode == 0, taken.stderr
    assert "in_progress" in taken.stdout and "owner mia" in taken.stdout
    assert "13912345678" in taken.stdout  # the owner calls the customer back

    done = run(branch, "mia", "resolve", "1", "--note", "已电话解释收费标准")
    assert done.returncode == 0, done.stderr
    assert "resolved" in done.stdout and "已电话解释收费标准" in done.stdout
    assert run(branch, "mia", "list", "--open").stdout.strip() == "no complaints"

    missing = run(branch, "mia", "take", "7")
    assert missing.returncode == 1 and "unknown complaint 7" in missing.stderr
    refused = run(branch, "teller9", "list")
    assert refused.returncode == 1 and "manager" in refused.stderr
