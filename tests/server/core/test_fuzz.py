"""Bad input never gets a 500: random JSON bodies against the kiosk and teller endpoints."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hypothesis_budget import budget
from tests.server.core.conftest import Branch

_json: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
_ticket_fields = st.fixed_dictionaries(
    {},
    optional={
        "service_code": _json | st.sampled_from(["A", "b", "Z", ""]),
        "category": _json | st.sampled_from(["VIP", "NORMAL", "vip"]),
        "language": _json | st.sampled_from(["zh", "en", "fr"]),
        "idempotency_key": _json | st.text(min_size=8, max_size=10),
        "appointment_at": _json | st.sampled_from(["2026-11-29T10:00:00", "2026-11-29T10:00:00Z"]),
    },
)

_SETTINGS = settings(
    max_examples=budget(60),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _check(status: int, body: dict[str, Any]) -> None:
    assert status < 500, body
    if status >= 400:
        assert set(body) <= {"error", "message", "field"}
        assert body["message"]["en"] and body["message"]["zh"] and body["error"]


@_SETTINGS
@given(body=_ticket_fields | _json)
def test_issue_bodies(branch: Branch, body: Any) -> None:
    r = branch.client.post(
        "/api/v1/tickets",
        content=json.dumps(body),
        headers={**branch.kiosk(), "content-type": "application/json"},
    )
    _check(r.status_code, r.json())


@_SETTINGS
@given(
    path=st.sampled_from(["call", "transfer", "unpark", "cancel", "open", "call-next"]),
    counter=st.sampled_from(["1", "0", "-3", "x", "99999999999999999999", "1.5"]),
    body=_json,
)
def test_teller_bodies(branch: Branch, path: str, counter: str, body: Any) -> None:
    r = branch.client.post(
        f"/api/v1/counters/{counter}/{path}",
        content=json.dumps(body),
        headers={**branch.user("alice"), "content-type": "application/json"},
    )
    _check(r.status_code, r.json())
