"""`branchq admin emergency` against the real server, as a process: on with a drill flag, status,
off, the log; a notice missing a language is refused and changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.contract.common import Role
from tests.e2e.live import PASSWORD, LiveBranch


@pytest.fixture
def branch(tmp_path: Path) -> Iterator[LiveBranch]:
    live = LiveBranch(data_dir=tmp_path / "var").start()
    live.user_token("root", Role.ADMIN)
    try:
        yield live
    finally:
        live.stop()


def run(branch: LiveBranch, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BQ_TEST_ADMIN_PASSWORD": PASSWORD}
    common = ["--server", branch.url, "--username", "root", "--password-env"]
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "branchq_cli",
            "admin",
            "emergency",
            args[0],
            *common,
            "BQ_TEST_ADMIN_PASSWORD",
            *args[1:],
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_on_status_off_and_log(branch: LiveBranch) -> None:
    done = run(
        branch,
        "on",
        "--zh",
        "暂停服务十分钟",
        "--en",
        "Paused for ten minutes",
        "--pause",
        "--drill",
    )
    assert done.returncode == 0, done.stderr
    assert "STOPPED (pause (drill))" in done.stdout
    status = run(branch, "status")
    assert "暂停服务十分钟" in status.stdout and "by root" in status.stdout
    with branch.client() as client:
        r = client.post(
            "/api/v1/tickets",
            json={"service_code": "A"},
            headers={"Authorization": f"Bearer {branch.device_token('k', Role.KIOSK)}"},
        )
    assert r.status_code == 409 and r.json()["error"] == "branch_paused"
    assert run(branch, "off").stdout.strip() == "issuing: normal"
    log = run(branch, "log").stdout.splitlines()
    assert len(log) == 2 and " off " in log[0] and " on " in log[1] and "drill" in log[1]


def test_a_notice_without_english_is_refused_and_changes_nothing(branch: LiveBranch) -> None:
    done = run(branch, "on", "--zh", "暂停", "--en", "  ")
    assert done.returncode == 2 and "notice.en is empty" in done.stderr
    assert run(branch, "status").stdout.strip() == "issuing: normal"
