"""Every error class answers with its status and a body naming what was wrong."""

from __future__ import annotations

import json
from pathlib import Path

from server.api.errors import ERROR_MAP, known_error_response
from server.auth.errors import AuthError
from server.domain.errors import DomainError
from server.main import create_app
from server.services.errors import IssuerClosed, UseCaseError
from tests.server.core.conftest import Branch, Clock, make_settings
from tests.server.core.live import serve


def test_unknown_ticket_is_404_with_the_id(branch: Branch) -> None:
    r = branch.client.get("/api/v1/tickets/doesNotExist123")
    assert r.status_code == 404
    assert r.json() == {
        "error": "not_found",
        "message": {"zh": "没有这个票：doesNotExist123", "en": "unknown ticket 'doesNotExist123'"},
    }


def test_unknown_service_is_404_listing_the_known_ones(branch: Branch) -> None:
    r = branch.client.post("/api/v1/tickets", json={"service_code": "X"}, headers=branch.kiosk())
    assert r.status_code == 404
    body = r.json()
    assert body["error"] == "not_found"
    assert body["message"]["en"] == "unknown service 'X'; expected one of ['A', 'B', 'V', 'F']"


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
    assert body["message"]["en"].startswith("body is not valid JSON")


def test_missing_field_is_422_naming_it(branch: Branch) -> None:
    r = branch.client.post("/api/v1/tickets", json={"category": "VIP"}, headers=branch.kiosk())
    assert r.status_code == 422
    assert r.json() == {
        "error": "invalid_request",
        "message": {
            "zh": "body.service_code：缺少必填字段",
            "en": "body.service_code: field required",
        },
        "field": "body.service_code",
    }


def test_bad_enum_value_is_422_naming_field_and_expected_values(branch: Branch) -> None:
    r = branch.client.post(
        "/api/v1/tickets", json={"service_code": "A", "category": "GOLD"}, headers=branch.kiosk()
    )
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == "body.category"
    assert "'NORMAL', 'PRIORITY', 'VIP' or 'APPOINTMENT'" in body["message"]["en"]
    assert "(got 'GOLD')" in body["message"]["en"]


def test_unknown_field_is_422(branch: Branch) -> None:
    r = branch.client.post(
        "/api/v1/tickets", json={"service_code": "A", "colour": "red"}, headers=branch.kiosk()
    )
    assert r.status_code == 422
    assert r.json()["message"]["en"] == "body.colour: unknown field; remove it"


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
    assert "reason is required when status is 'failed'" in r.json()["message"]["en"]


def test_no_token_is_401_and_wrong_role_is_403(branch: Branch) -> None:
    r = branch.client.post("/api/v1/tickets", json={"service_code": "A"})
    assert r.status_code == 401
    assert r.json()["error"] == "unauthorized"
    assert "Authorization" in r.json()["message"]["en"]
    assert r.headers["www-authenticate"] == "Bearer"

    r = branch.client.post("/api/v1/counters/1/call-next", headers=branch.kiosk())
    assert r.status_code == 403
    assert r.json()["error"] == "forbidden"
    assert "teller" in r.json()["message"]["en"] and "kiosk" in r.json()["message"]["en"]


def test_teller_not_signed_in_to_the_counter_is_403(branch: Branch) -> None:
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    r = branch.client.post("/api/v1/counters/1/call-next", headers=branch.user("bob"))
    assert r.status_code == 403
    body = r.json()
    assert body["error"] == "not_signed_in"
    assert body["message"]["en"] == (
        "counter 1 is held by teller 'alice'; teller 'bob' can act only at the counter they opened"
    )
    r = branch.client.post("/api/v1/counters/2/recall", headers=branch.user("bob"))
    assert r.status_code == 403
    assert r.json()["message"]["en"] == (
        "teller 'bob' is not signed in to counter 2; open the counter first "
        "(POST /api/v1/counters/2/open)"
    )


def test_opening_a_counter_someone_else_holds_is_409(branch: Branch) -> None:
    branch.teller_post("alice", "/counters/1/open")
    r = branch.client.post("/api/v1/counters/1/open", headers=branch.user("bob"))
    assert r.status_code == 409
    assert r.json() == {
        "error": "counter_unavailable",
        "message": {
            "zh": "1号窗口已由柜员alice登录，需其先关闭窗口",
            "en": "counter 1: teller 'alice' is signed in to it; they must close it first",
        },
    }


def test_wrong_transition_is_409_with_the_domain_message(branch: Branch) -> None:
    branch.issue("A")
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/call-next")
    r = branch.client.post("/api/v1/counters/1/finish", headers=branch.user("alice"))
    assert r.status_code == 409
    assert r.json() == {
        "error": "invalid_transition",
        "message": {
            "zh": "A001号当前为已叫号，办结需要办理中",
            "en": "ticket A001 is CALLED; finish needs SERVING",
        },
    }


def test_acting_with_no_ticket_at_the_counter_is_409(branch: Branch) -> None:
    branch.teller_post("alice", "/counters/1/open")
    r = branch.client.post("/api/v1/counters/1/start", headers=branch.user("alice"))
    assert r.status_code == 409
    assert (
        r.json()["message"]["en"] == "counter 1: holds no called or serving ticket; start needs one"
    )


def test_call_next_on_a_paused_counter_is_409(branch: Branch) -> None:
    branch.teller_post("alice", "/counters/1/open")
    branch.teller_post("alice", "/counters/1/pause")
    r = branch.client.post("/api/v1/counters/1/call-next", headers=branch.user("alice"))
    assert r.status_code == 409
    assert r.json()["message"]["en"] == "counter 1: is PAUSED; calling needs OPEN"


def test_unknown_counter_and_bad_path_values(branch: Branch) -> None:
    r = branch.client.post("/api/v1/counters/77/open", headers=branch.user("alice"))
    assert r.status_code == 404
    known = "['1', '2', '3', '4', '5', '6']"
    assert r.json()["message"]["en"] == f"unknown counter 77; expected one of {known}"
    r = branch.client.post("/api/v1/counters/abc/open", headers=branch.user("alice"))
    assert r.status_code == 422
    assert r.json()["field"] == "path.n"
    assert "(got 'abc')" in r.json()["message"]["en"]


def test_unknown_endpoint_and_method(branch: Branch) -> None:
    r = branch.client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.json() == {
        "error": "not_found",
        "message": {
            "zh": "没有这个接口：GET /api/v1/nothing-here",
            "en": "no such endpoint: GET /api/v1/nothing-here",
        },
    }
    r = branch.client.delete("/api/v1/services")
    assert r.status_code == 405
    assert r.json()["message"]["en"] == "method DELETE is not allowed on /api/v1/services"


def test_daily_cap_is_409_and_bilingual(branch: Branch) -> None:
    # V allows 60 tickets per business day
    for _ in range(60):
        branch.issue("V")
    r = branch.client.post("/api/v1/tickets", json={"service_code": "V"}, headers=branch.kiosk())
    assert r.status_code == 409
    body = r.json()
    assert body["error"] == "service_unavailable"
    assert body["message"] == {
        "zh": "该业务今日号源已满",
        "en": "service V reached its daily cap (60 issued, cap 60)",
    }


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
        "message": {
            "zh": "服务器处理请求失败，已记录，请联系技术人员",
            "en": "the server failed to handle this request; it was logged for the technician",
        },
    }
    assert "Traceback" not in r.text and "secret" not in r.text


def test_an_issuer_that_is_not_running_answers_503_in_both_languages() -> None:
    response = known_error_response(IssuerClosed())
    assert response.status_code == 503
    assert json.loads(response.body) == {
        "error": "unavailable",
        "message": {
            "zh": "服务器暂不能取号，请稍后重试",
            "en": "the server is not issuing tickets (starting or shutting down); retry",
        },
    }


def test_every_row_of_the_error_map_is_one_of_our_bilingual_errors() -> None:
    for cls, status, code, _ in ERROR_MAP:
        assert issubclass(cls, DomainError | UseCaseError | AuthError), cls
        assert 400 <= status < 600 and code
