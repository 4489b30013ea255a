"""The ONE map from errors to HTTP responses; every error body is ``ErrorBody``.

=========================  ======  ==================
error                      status  ``error`` code
=========================  ======  ==================
UnknownEntity              404     not_found
InvalidTransition          409     invalid_transition
ServiceUnavailable         409     service_unavailable
CounterUnavailable         409     counter_unavailable
NotSignedIn                403     not_signed_in
IdempotencyConflict        409     idempotency_conflict (a used key with another request)
BadRequest                 422     invalid_request
request validation         422     invalid_request (message names the field and what was
                                   expected)
HTTPException (auth, 401   401...  unauthorized, forbidden, ... (its detail is the message)
/403/429 ...)
anything else              500     internal_error (logged; no stack trace in the response)
=========================  ======  ==================
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from server.contract.rest import ErrorBody
from server.domain.errors import (
    CounterUnavailable,
    DomainError,
    InvalidTransition,
    ServiceUnavailable,
    UnknownEntity,
)
from server.services.errors import BadRequest, IdempotencyConflict, NotSignedIn, UseCaseError

_log = logging.getLogger(__name__)

_DOMAIN: list[tuple[type[Exception], int, str]] = [
    (UnknownEntity, 404, "not_found"),
    (InvalidTransition, 409, "invalid_transition"),
    (ServiceUnavailable, 409, "service_unavailable"),
    (CounterUnavailable, 409, "counter_unavailable"),
    (NotSignedIn, 403, "not_signed_in"),
    (IdempotencyConflict, 409, "idempotency_conflict"),
    (BadRequest, 422, "invalid_request"),
]

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(error=code, message=message, field=field)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def _loc(loc: Sequence[Any]) -> str:
    return ".".join(str(p) for p in loc)


def _describe(err: dict[str, Any]) -> tuple[str, str]:
    """(field, sentence) for one pydantic error: what was received and what was expected."""
    loc = list(err.get("loc", ()))
    kind = str(err.get("type", ""))
    msg = str(err.get("msg", "invalid"))
    where = _loc(loc)
    if kind == "json_invalid":
        ctx = err.get("ctx") or {}
        return "body", f"body is not valid JSON ({ctx.get('error', msg)})"
    if kind == "missing":
        return where, f"{where}: field required"
    if kind == "extra_forbidden":
        return where, f"{where}: unknown field; remove it"
    if kind == "model_attributes_type" or (kind.endswith("_type") and loc == ["body"]):
        return "body", "body: expected a JSON object"
    received = err.get("input")
    shown = repr(received) if not isinstance(received, dict | list) else type(received).__name__
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return where, f"{where}: {msg.rstrip('.')} (got {shown})"


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [_describe(e) for e in exc.errors()]
    if not problems:
        return error_response(422, "invalid_request", "the request is not valid")
    field = problems[0][0]
    message = "; ".join(p[1] for p in problems)
    return error_response(422, "invalid_request", message, field=field)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    code = _HTTP_CODES.get(exc.status_code, "error")
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no such endpoint: {request.method} {request.url.path}"
    if exc.status_code == 405:
        detail = f"method {request.method} is not allowed on {request.url.path}"
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, code, detail, headers=headers)


async def _known_error(request: Request, exc: Exception) -> JSONResponse:
    for cls, status, code in _DOMAIN:
        if isinstance(exc, cls):
            message = getattr(exc, "message", str(exc))
            field = exc.field if isinstance(exc, BadRequest) else None
            return error_response(status, code, message, field=field)
    _log.error("unmapped error %s: %s", type(exc).__name__, exc)
    return error_response(500, "internal_error", f"{type(exc).__name__}: {exc}")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    _log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(
        500,
        "internal_error",
        "the server failed to handle this request; it was logged for the technician",
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DomainError, _known_error)
    app.add_exception_handler(UseCaseError, _known_error)
    app.add_exception_handler(Exception, _unexpected)
