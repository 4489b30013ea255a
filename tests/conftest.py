"""Suite-wide settings: Qt runs on the offscreen platform (no screen on CI machines); the
Hypothesis profile named by BRANCHQ_HYPOTHESIS_PROFILE is loaded (tests/hypothesis_budget.py:
``thorough`` by default, ``ci`` under deploy/dev.sh test); the session's PostgreSQL server
(tests/server/core/pg.py, started by the first test that needs one) is stopped when the
session ends."""

import atexit
import gc
import os
import sys
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


@pytest.fixture(scope="module", autouse=True)
def _freeze_what_the_module_left() -> Iterator[None]:
    """After each module, what is left on the heap moves to the collector's permanent
    generation (``gc.freeze``): a full run keeps gigabytes alive, and a full collection over
    them stopped every thread for seconds at a random moment late in the run (a test server's
    websocket handshake timed out after 5 s in CI at 89 %). Frozen objects are still freed by
    reference counting; only cycles among them stay until the process ends."""
    yield
    gc.freeze()


# A full run ends with a heap of gigabytes (Qt windows, servers, clients of a thousand tests):
# after pytest's summary and its final garbage collection, the interpreter's own teardown spent
# about 30 s freeing it object by object (seen in CI as a hang after the summary). Once pytest
# is done, the process exits with pytest's status at the end of the atexit handlers, without
# that teardown. Not when pytest ended by an exception (sys.last_value): then Python's normal
# exit reports it.
_session_status: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _session_status[:] = [int(exitstatus)]


def _exit_without_teardown() -> None:
    if _session_status and not hasattr(sys, "last_value"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_session_status[0])


atexit.register(_exit_without_teardown)  # registered first, so it runs after the others
