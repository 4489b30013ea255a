"""Every number and text of the REST contract is bounded: values the store or the call policy
cannot hold (64-bit overflow, infinity, unpaired surrogates, a year-0 time) are answered 422
naming the field, and leave the branch working (no 500 then, none later)."""

from __future__ import annotations

import httpx
import pytest

from server.contract.common import Role
from tests.server.core.conftest import Branch

HUGE = "100000000000000000000000"  # beyond 64 bits
SURROGATE = '"\\ud800"'  # JSON text of a lone surrogate


def _post(
    branch: Branch, method: str, path: str, raw: str, headers: dict[str, str]
) -> httpx.Response:
    return branch.client.request(
        method,
        f"/api/v1{path}",
        content=raw.encode(),
        headers={**headers, "Content-Type": "application/json"},
    )


KIOSK_CASES = [
    ('{"service_code": "A", "appointment_at": "0001-01-01T00:00:00+14:00"}', "appointment_at"),
    ('{"service_code": "A", "appointment_at": "9999-12-31T23:59:59-14:00"}', "appointment_at"),
    ('{"service_code": "A", "appointment_at": "2026-11-29T10:00:00"}', "appointment_at"),
    (f'{{"service_code": {SURROGATE}}}', "service_code"),
    ('{"service_code": "A", "idempotency_key": "key-\\ud800-0001"}', "idempotency_key"),
    ('{"service_code": "A\\u0000"}', "service_code"),
]


@pytest.mark.parametrize(("raw", "field"), KIOSK_CASES)
def test_ticket_request_out_of_bounds_is_422(branch: Branch, raw: str, field: str) -> None:
    r = _post(branch, "POST", "/tickets", raw, branch.kiosk())
    assert r.status_code == 422, r.text
    assert r.json()["field"] == f"body.{field}"
    assert branch.issue("A")["number"] == "A001"  # nothing was issued, nothing broke


ADMIN_CASES = [
    ("PATCH", "/admin/services/A", f'{{"daily_cap": {HUGE}}}', "body.daily_cap"),
    ("PATCH", "/admin/services/A", f'{{"target_wait_s": {HUGE}}}', "body.target_wait_s"),
    ("PATCH", "/admin/services/A", '{"target_wait_s": 1e309}', "body.target_wait_s"),
    ("PATCH", "/admin/services/A", f'{{"name": {{"zh": {SURROGATE}, "en": "x"}}}}', None),
    ("PUT", "/admin/counters/1/skills", '{"skills": {"A": 1e309}}', "body.skills.A"),
    ("PUT", "/admin/counters/1/skills", '{"skills": {"A": -1}}', "body.skills.A"),
    ("PUT", f"/admin/counters/{HUGE}/skills", '{"skills": {"A": 1}}', "path.number"),
    ("PATCH", "/admin/categories/VIP", '{"weight": 1e309}', "body.weight"),
    ("PATCH", "/admin/categories/VIP", '{"weight": NaN}', "body.weight"),
]


@pytest.mark.parametrize(("method", "path", "raw", "field"), ADMIN_CASES)
def test_admin_input_out_of_bounds_is_422(
    branch: Branch, method: str, path: str, raw: str, field: str | None
) -> None:
    r = _post(branch, method, path, raw, branch.user("root", Role.ADMIN))
    assert r.status_code == 422, r.text
    if field is not None:
        assert r.json()["field"] == field
    # call-next at counter 1 (serves A) still works: nothing infinite was stored
    branch.issue("A")
    branch.teller_post("ann", "/counters/1/open")
    called = branch.teller_post("ann", "/counters/1/call-next")
    assert called["ticket"]["number"] == "A001"  # type: ignore[index]


TELLER_CASES = [
    ("/counters/1/transfer", '{"to_counter": 1e23}', "body.to_counter"),
    ("/counters/1/transfer", f'{{"to_counter": {HUGE}}}', "body.to_counter"),
    ("/counters/1/transfer", f'{{"to_service": {SURROGATE}}}', "body.to_service"),
    ("/counters/1/call", f'{{"number": {SURROGATE}}}', "body.number"),
    ("/counters/1/unpark", '{"number": "A\\udfff1"}', "body.number"),
    (f"/counters/{HUGE}/call-next", "{}", "path.n"),
    # an unknown key with NUL and an unpaired surrogate: named, escaped, and the answer encodes
    ("/counters/1/call", '{"number": "A001", "k\\u0000": 1}', "body.k\\x00"),
    ("/counters/1/call", '{"number": "A001", "k\\ud800": 1}', "body"),
]


@pytest.mark.parametrize(("path", "raw", "field"), TELLER_CASES)
def test_teller_input_out_of_bounds_is_422(branch: Branch, path: str, raw: str, field: str) -> None:
    branch.teller_post("ann", "/counters/1/open")
    r = _post(branch, "POST", path, raw, branch.user("ann"))
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field
