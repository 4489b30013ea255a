"""What the CLI tests against a live server share: the server (a real process, per test) and a
``branchq <command> <sub>`` run as a signed-in staff member."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.e2e.live import PASSWORD, LiveBranch, branch

__all__ = ["branch"]  # the live-server fixture, used by name


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
