"""Suite-wide settings: Qt runs on the offscreen platform (no screen on CI machines); the
Hypothesis profile named by BRANCHQ_HYPOTHESIS_PROFILE is loaded (tests/hypothesis_budget.py:
``thorough`` by default, ``ci`` under deploy/dev.sh test); the session's PostgreSQL server
(tests/server/core/pg.py, started by the first test that needs one) is stopped when the
session ends."""

import os
from collections.abc import Iterator

import pytest

from tests.hypothesis_budget import load_profile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HYPOTHESIS_PROFILE = load_profile()


def pytest_report_header() -> str:
    return f"hypothesis profile: {HYPOTHESIS_PROFILE} (BRANCHQ_HYPOTHESIS_PROFILE)"


@pytest.fixture(scope="session", autouse=True)
def _stop_the_shared_postgres() -> Iterator[None]:
    from tests.server.core.pg import stop_shared_server

    yield
    stop_shared_server()
