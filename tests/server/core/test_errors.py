"""Every error class answers with its status and a body naming what was wrong."""

from __future__ import annotations

from pathlib import Path

from server.main import create_app
from tests.server.core.conftest import Branch, Clock, make_settings
from tests.server.core.live import serve


def test_unknown_ticket_is_404_with_the_id(branch: Branch) -> None:
    r = branch.client.get("/api/v1/tickets/doesNotExist123")
    assert r.status_code == 404
    assert r.json() == {"error": "not_found", "message": "unknown ticket 'doesNotExist123'"}


def test_unknown_service_is_404_listing_the_known_ones(branch: Branch) -> None:
    r = branch.client.post("/api/v1/tickets", json={"service_code": "X"}, headers=branch.kiosk())
    assert r.status_code == 404
    body = r.json()
    assert body["error"] == "not_found"
    assert body["message"] == "unknown service 'X'; expected one of ['A', 'B', 'V', 'F']"


def test_malformed_json_is_422_saying_so(branch: Branch) -> None:
    r = branch.client.post(
        "/api/v1/tickets",
        content=b'{"service_code": "A",',
        headers={**branch.kiosk(), "content-type": "application/json"},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "invalid_request"
    assert body["field"] == "body"
    assert body["message"].startswith("body is not valid JSON")


def test_missing_field_is_422_naming_it(branch: Branch) -> None:
    r = branch.client.post("/api/v1/tickets", json={"category": "VIP"}, headers=branch.kiosk())
    assert r.status_code == 422
    assert r.json() == {
        "error": "invalid_request",
        "message": "body.service_code: field required",
        "field": "body.service_code",
    }


def test_bad_enum_value_is_422_naming_field_and_expected_values(branch: Branch) -> None:
    r = branch.client.post(
        "/api/v1/tickets", json={"service_code": "A", "category": "GOLD"}, headers=branch.kiosk()
    )
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "body.category"
    assert "'NORMAL', 'PRIORITY', 'VIP' or 'APPOINTMENT'" in body["message"]
    assert "(got 'GOLD')" in body["message"]


def test_unknown_field_is_422(branch: Branch) -> None:
    r = branch.client.post(
        "/api/v1/tickets", json={"service_code": "A", "colour": "red"}, headers=branch.kiosk()
    )
    assert r.status_code == 422
    assert r.json()["message"] == "body.colour: unknown field; remove it"


def test_body_that_is_not_an_object_is_422(branch: Branch) -> None:
    r = branch.client.post("/api/v1/tickets", json=[1, 2], headers=branch.kiosk())
    assert r.status_code == 422
    assert r.json()["field"] == "body"


def test_failed_print_needs_a_reason(branch: Branch) -> None:
    t = branch.issue("A")
    r = branch.client.post(
        f"/api/v1/tickets/{t['public_id']}/print-result",
        json={"status": "failed"},
        headers=branch.kiosk(),
    )
    assert r.status_code == 422
    assert "reason is required when status is 'failed'" in r.json()["message"]


def test_no_token_is_401_and_wrong_role_is_403(branch: Branch) -> None:
    r = branch.client.post("/api/v1/tickets", json={"service_code": "A"})
    assert r.status_code == 401
    assert r.json()["error"] == "unauthorized"
    assert "Authorization" in r.json()["message"]
    assert r.headers["www-authenticate"] == "Bearer"

    r = branch.client.post("/api/v1/counters/1/call-next", headers=branch.kiosk())
    assert r.status_code == 403
    assert r.json()["error"] == "forbidden"
    assert "teller" in r.json()["message"] and "kiosk" in r.json()["message"]


def test_teller_not_signed_in_to_the_counter_is_403(branch: Branch) -> None:
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    r = branch.client.post("/api/v1/counters/1/call-next", headers=branch.user("bob"))
    assert r.status_code == 403
    body = r.json()
    assert body["error"] == "not_signed_in"
    assert body["message"] == (
        "counter 1 is held by teller 'alice'; teller 'bob' can act only at the counter they opened"
    )
    r = branch.client.post("/api/v1/counters/2/recall", headers=branch.user("bob"))
    assert r.status_code == 403
    assert r.json()["message"] == (
        "teller 'bob' is not signed in to counter 2; open the counter first "
        "(POST /api/v1/counters/2/open)"
    )


def test_opening_a_counter_someone_else_holds_is_409(branch: Branch) -> None:
    branch.teller_post("alice", "/counters/1/open")
    r = branch.client.post("/api/v1/counters/1/open", headers=branch.user("bob"))
    assert r.status_code == 409
    assert r.json() == {
        "error": "counter_unavailable",
        "message": "counter 1: teller 'alice' is signed in to it; they must close it first",
    }


def test_wrong_transition_is_409_with_the_domain_message(branch: Branch) -> None:
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    r = branch.client.post("/api/v1/counters/1/finish", headers=branch.user("alice"))
    assert r.status_code == 409
    assert r.json() == {
        "error": "invalid_transition",
        "message": "ticket A001 is CALLED; finish needs SERVING",
    }


def test_acting_with_no_ticket_at_the_counter_is_409(branch: Branch) -> None:
    branch.teller_post("alice", "/counters/1/open")
    r = branch.client.post("/api/v1/counters/1/start", headers=branch.user("alice"))
    assert r.status_code == 409
    assert r.json()["message"] == "counter 1: holds no called or serving ticket; start needs one"


def test_call_next_on_a_paused_counter_is_409(branch: Branch) -> None:
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/pause")
    r = branch.client.post("/api/v1/counters/1/call-next", headers=branch.user("alice"))
    assert r.status_code == 409
    assert r.json()["message"] == "counter 1: is PAUSED; calling needs OPEN"


def test_unknown_counter_and_bad_path_values(branch: Branch) -> None:
    r = branch.client.post("/api/v1/counters/77/open", headers=branch.user("alice"))
    assert r.status_code == 404
    known = "['1', '2', '3', '4', '5', '6']"
    assert r.json()["message"] == f"unknown counter 77; expected one of {known}"
    r = branch.client.post("/api/v1/counters/abc/open", headers=branch.user("alice"))
    assert r.status_code == 422
    assert r.json()["field"] == "path.n"
    assert "(got 'abc')" in r.json()["message"]


def test_unknown_endpoint_and_method(branch: Branch) -> None:
    r = branch.client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.json() == {
        "error": "not_found",
        "message": "no such endpoint: GET /api/v1/nothing-here",
    }
    r = branch.client.delete("/api/v1/services")
    assert r.status_code == 405
    assert r.json()["message"] == "method DELETE is not allowed on /api/v1/services"


def test_daily_cap_is_409_and_bilingual(branch: Branch) -> None:
    # V allows 60 tickets per business day
    for _ in range(60):
        branch.issue("V")
    r = branch.client.post("/api/v1/tickets", json={"service_code": "V"}, headers=branch.kiosk())
    assert r.status_code == 409
    body = r.json()
    assert body["error"] == "service_unavailable"
    assert "service V reached its daily cap / 该业务今日号源已满" in body["message"]
    assert "(60 issued, cap 60)" in body["message"]


def test_an_unexpected_failure_is_500_without_a_stack_trace(tmp_path: Path, clock: Clock) -> None:
    app = create_app(make_settings(tmp_path), clock=clock)

    def broken() -> None:
        raise RuntimeError("secret internals at /srv/x.py line 3")

    app.add_api_route("/api/v1/broken-for-test", broken)
    with serve(app) as client:
        r = client.get("/api/v1/broken-for-test")
    assert r.status_code == 500
    assert r.json() == {
        "error": "internal_error",
        "message": "the server failed to handle this request; it was logged for the technician",
    }
    assert "Traceback" not in r.text and "secret" not in r.text
