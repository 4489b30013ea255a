"""The ONE map from errors to HTTP responses; every error body is ``ErrorBody``.

Every answer says what was wrong in Simplified Chinese and English
(``{"error": "invalid_transition", "message": {"zh": ..., "en": ...}, "field": ...}``): each
error class carries both (``.zh`` and ``.message``), and the texts of the framework's own
answers (422 validation, unknown endpoint, wrong method) are written here.

=========================  ======  ==================
error                      status  ``error`` code
=========================  ======  ==================
UnknownEntity              404     not_found
InvalidTransition          409     invalid_transition
ServiceUnavailable         409     service_unavailable
CounterUnavailable         409     counter_unavailable
NotSignedIn                403     not_signed_in
IdempotencyConflict        409     idempotency_conflict (a used key with another request)
ActionRefused              409     conflict
BranchEmergency            409     branch_emergency (emergency mode: the notice in the message)
BranchPaused               409     branch_paused (service paused: the notice in the message)
BadRequest                 422     invalid_request (``field`` names the field)
AlreadyRated               409     already_rated (one rating per ticket)
NotRateable                409     not_rateable (only a served ticket is rated)
RatingClosed               409     rating_closed (past the rating window)
AlreadyComplained          409     already_complained (one complaint per ticket)
ComplaintClosed            409     complaint_closed (past the complaint window)
ComplaintRefused           409     invalid_transition (e.g. resolving a resolved complaint)
IssuerClosed               503     unavailable (starting or shutting down; retry)
IssueRateLimited           429     too_many_requests (``Retry-After``; one device's tickets)
BookingRateLimited         429     too_many_requests (``Retry-After``; one address's bookings)
SlotFull                   409     slot_full (the slot's last place went to someone else)
AppointmentRefused         409     appointment_refused (``reason`` word in the message)
NotAuthenticated           401     unauthorized (``WWW-Authenticate: Bearer``)
LoginFailed                401     unauthorized
RoleRefused                403     forbidden
LoginRateLimited           429     too_many_requests (``Retry-After``)
UnknownPrincipal           404     not_found
UserExists                 409     conflict
InvalidCredential          422     invalid_request
request validation         422     invalid_request (names the field and what was expected)
HTTPException (framework)  4xx     not_found, method_not_allowed, ...
anything else              500     internal_error (logged; no stack trace in the response)
=========================  ======  ==================
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.auth.errors import (
    AuthError,
    InvalidCredential,
    LoginFailed,
    LoginRateLimited,
    NotAuthenticated,
    RoleRefused,
    UnknownPrincipal,
    UserExists,
)
from server.contract.common import Bilingual
from server.contract.rest import ErrorBody
from server.domain.appointments import AppointmentRefused, SlotFull
from server.domain.errors import (
    CounterUnavailable,
    DomainError,
    InvalidTransition,
    NotSignedIn,
    ServiceUnavailable,
    UnknownEntity,
)
from server.domain.feedback import (
    AlreadyComplained,
    AlreadyRated,
    ComplaintClosed,
    ComplaintRefused,
    NotRateable,
    RatingClosed,
)
from server.services.errors import (
    ActionRefused,
    BadRequest,
    BookingRateLimited,
    BranchEmergency,
    BranchPaused,
    IdempotencyConflict,
    IssueRateLimited,
    IssuerClosed,
    UseCaseError,
)

_log = logging.getLogger(__name__)

KnownError = DomainError | UseCaseError | AuthError
_Headers = Callable[[Any], dict[str, str] | None]


def _no_headers(exc: Any) -> dict[str, str] | None:
    return None


def _bearer(exc: Any) -> dict[str, str] | None:
    return {"WWW-Authenticate": "Bearer"}


def _retry_after(exc: Any) -> dict[str, str] | None:
    assert isinstance(exc, LoginRateLimited | IssueRateLimited | BookingRateLimited)
    return {"Retry-After": str(exc.retry_after_s)}


# (error class, status, code, headers); the first row the error is an instance of wins
ERROR_MAP: list[tuple[type[Exception], int, str, _Headers]] = [
    (UnknownEntity, 404, "not_found", _no_headers),
    (InvalidTransition, 409, "invalid_transition", _no_headers),
    (ServiceUnavailable, 409, "service_unavailable", _no_headers),
    (CounterUnavailable, 409, "counter_unavailable", _no_headers),
    (NotSignedIn, 403, "not_signed_in", _no_headers),
    (IdempotencyConflict, 409, "idempotency_conflict", _no_headers),
    (ActionRefused, 409, "conflict", _no_headers),
    (BranchEmergency, 409, "branch_emergency", _no_headers),
    (BranchPaused, 409, "branch_paused", _no_headers),
    (BadRequest, 422, "invalid_request", _no_headers),
    (AlreadyRated, 409, "already_rated", _no_headers),
    (NotRateable, 409, "not_rateable", _no_headers),
    (RatingClosed, 409, "rating_closed", _no_headers),
    (AlreadyComplained, 409, "already_complained", _no_headers),
    (ComplaintClosed, 409, "complaint_closed", _no_headers),
    (ComplaintRefused, 409, "invalid_transition", _no_headers),
    (IssuerClosed, 503, "unavailable", _no_headers),
    (IssueRateLimited, 429, "too_many_requests", _retry_after),
    (BookingRateLimited, 429, "too_many_requests", _retry_after),
    (SlotFull, 409, "slot_full", _no_headers),
    (AppointmentRefused, 409, "appointment_refused", _no_headers),
    (NotAuthenticated, 401, "unauthorized", _bearer),
    (LoginFailed, 401, "unauthorized", _bearer),
    (RoleRefused, 403, "forbidden", _no_headers),
    (LoginRateLimited, 429, "too_many_requests", _retry_after),
    (UnknownPrincipal, 404, "not_found", _no_headers),
    (UserExists, 409, "conflict", _no_headers),
    (InvalidCredential, 422, "invalid_request", _no_headers),
]

# the framework's own HTTPExceptions (unknown path, wrong method, body too large, ...)
_HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求无效"),
    401: ("unauthorized", "未登录或登录已失效"),
    403: ("forbidden", "无权执行此操作"),
    404: ("not_found", "没有这个接口"),
    405: ("method_not_allowed", "该接口不支持此请求方法"),
    409: ("conflict", "请求与当前状态冲突"),
    413: ("too_large", "请求内容过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    422: ("invalid_request", "请求内容无效"),
    429: ("too_many_requests", "请求过于频繁，请稍后重试"),
}


def error_response(
    status: int,
    code: str,
    message: Bilingual,
    *,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(error=code, message=message, field=field)
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True), status_code=status, headers=headers
    )


def known_error_response(exc: KnownError) -> JSONResponse:
    """The answer to one of our own errors, by the first row of ``ERROR_MAP`` it matches."""
    text = Bilingual(zh=exc.zh, en=exc.message)
    for cls, status, code, headers in ERROR_MAP:
        if isinstance(exc, cls):
            field = exc.field if isinstance(exc, BadRequest) else None
            return error_response(status, code, text, field=field, headers=headers(exc))
    _log.error("unmapped error %s: %s", type(exc).__name__, exc)
    return error_response(500, "internal_error", text)


# -- request validation (422) -------------------------------------------------------------------

_VALIDATION_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段，请删除",
    "enum": "不是可选的值",
    "literal_error": "不是可选的值",
    "string_too_short": "太短",
    "string_too_long": "太长",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "greater_than": "数值太小",
    "less_than": "数值太大",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "datetime_parsing": "应为日期时间（ISO 8601）",
    "datetime_from_date_parsing": "应为日期时间（ISO 8601）",
    "string_type": "应为字符串",
}


MAX_PROBLEMS_SHOWN = 5


def _loc(loc: Sequence[Any]) -> str:
    return ".".join(_shown_part(p) for p in loc)


def _shown_part(part: object) -> str:
    """A part of a field's location as the client may have sent it (an unknown key), with
    control and unpaired characters escaped, so the answer always encodes."""
    text = str(part)
    return text if text.isprintable() else repr(text)[1:-1]


def _describe(err: dict[str, Any]) -> tuple[str, str, str]:
    """(field, en, zh) for one pydantic error: what was received and what was expected."""
    loc = list(err.get("loc", ()))
    kind = str(err.get("type", ""))
    msg = str(err.get("msg", "invalid"))
    where = _loc(loc)
    if len(where) > 60:  # a field name is input too: never echo a long one
        where = where[:57] + "..."
    if kind == "json_invalid":
        ctx = err.get("ctx") or {}
        return "body", f"body is not valid JSON ({ctx.get('error', msg)})", "请求体不是有效的 JSON"
    if kind == "missing":
        return where, f"{where}: field required", f"{where}：缺少必填字段"
    if kind == "extra_forbidden":
        return where, f"{where}: unknown field; remove it", f"{where}：未知字段，请删除"
    if kind == "model_attributes_type" or (kind.endswith("_type") and loc == ["body"]):
        return "body", "body: expected a JSON object", "请求体应为 JSON 对象"
    received = err.get("input")
    shown = repr(received) if not isinstance(received, dict | list) else type(received).__name__
    if len(shown) > 60:
        shown = shown[:57] + "..."
    zh_problem = _VALIDATION_ZH.get(kind, "取值无效")
    return (
        where,
        f"{where}: {msg.rstrip('.')} (got {shown})",
        f"{where}：{zh_problem}（收到 {shown}）",
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [_describe(e) for e in exc.errors()]
    if not problems:
        text = Bilingual(zh="请求内容无效", en="the request is not valid")
        return error_response(422, "invalid_request", text)
    shown = problems[:MAX_PROBLEMS_SHOWN]  # never echo a huge input back problem by problem
    en = "; ".join(p[1] for p in shown)
    zh = "；".join(p[2] for p in shown)
    if len(problems) > len(shown):
        more = len(problems) - len(shown)
        en += f"; and {more} more problems"
        zh += f"；另有 {more} 处问题"
    text = Bilingual(zh=zh, en=en)
    return error_response(422, "invalid_request", text, field=problems[0][0])


# -- the rest -----------------------------------------------------------------------------------


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    code, zh = _HTTP_CODES.get(exc.status_code, ("error", "请求失败"))
    path = request.url.path
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no such endpoint: {request.method} {path}"
        zh = f"没有这个接口：{request.method} {path}"
    if exc.status_code == 405:
        detail = f"method {request.method} is not allowed on {path}"
        zh = f"{path} 不支持 {request.method} 请求"
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, code, Bilingual(zh=zh, en=detail), headers=headers)


async def _known_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError | UseCaseError | AuthError)
    return known_error_response(exc)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    _log.exception("unexpected error on %s %s", request.method, request.url.path)
    text = Bilingual(
        zh="服务器处理请求失败，已记录，请联系技术人员",
        en="the server failed to handle this request; it was logged for the technician",
    )
    return error_response(500, "internal_error", text)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DomainError, _known_error)
    app.add_exception_handler(UseCaseError, _known_error)
    app.add_exception_handler(AuthError, _known_error)
    app.add_exception_handler(Exception, _unexpected)
