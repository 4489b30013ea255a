"""What the CLI tests against a live server share: the server (a real process, per test) and a
``branchq <command> <sub>`` run as a signed-in staff member."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.live import PASSWORD, LiveBranch


@pytest.fixture
def branch(tmp_path: Path) -> Iterator[LiveBranch]:
    live = LiveBranch(data_dir=tmp_path / "var").start()
    try:
        yield live
    finally:
        live.stop()


def run_as(
    branch: LiveBranch, user: str, command: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """``branchq <command> <args[0]> --server ... --username <user> <args[1:]>``."""
    env = {**os.environ, "BQ_TEST_PASSWORD": PASSWORD}
    login = ["--server", branch.url, "--username", user, "--password-env", "BQ_TEST_PASSWORD"]
    return subprocess.run(
        [sys.executable, "-m", "branchq_cli", command, args[0], *login, *args[1:]],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
