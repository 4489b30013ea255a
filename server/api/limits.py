"""Request body limits and the body timeout, as one pure ASGI middleware (before any routing).

Every request body here is small (a login, a ticket request, a heartbeat), so the middleware
reads the whole body itself before the app sees the request:

- a ``Content-Length`` above the route's limit is answered 413 at once, without reading a byte
  of the body (and the connection is closed, so the unread body goes nowhere);
- a body without a length (chunked) is read up to the limit, and 413 when it goes past it;
- a body that has not fully arrived within ``body_timeout_s`` is answered 408 (slow clients
  must not hold a connection and a worker open indefinitely).

Then the app receives the body as one message. Slow *headers* are the HTTP server's job (see
``server.serving``): the app is only called once the headers are complete.

Limits per route (``BODY_LIMITS``, the first matching path prefix wins, else ``DEFAULT``):
the answers name the limit and what was received, never echo the body.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from server.api.errors import error_response
from server.contract.common import Bilingual

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KIB = 1024
DEFAULT_BODY_LIMIT = 16 * KIB
# path prefix -> largest accepted body, bytes (most specific first)
BODY_LIMITS: tuple[tuple[str, int], ...] = (
    ("/api/v1/auth/", 4 * KIB),  # username + password
    ("/api/v1/tickets", 8 * KIB),  # one ticket request, or its print result
    ("/api/v1/appointments", 2 * KIB),  # a booking, a move, a check-in (public: kept small)
    ("/api/v1/devices/me/heartbeat", 64 * KIB),  # a panel bridge reports every panel
)


def body_limit(path: str) -> int:
    """The largest body accepted on ``path``, bytes."""
    for prefix, limit in BODY_LIMITS:
        if path.startswith(prefix):
            return limit
    return DEFAULT_BODY_LIMIT


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimits:
    """ASGI middleware: 413 for bodies over the route's limit, 408 for bodies too slow."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        body_timeout_s: float = 10.0,
        limit_for: Callable[[str], int] = body_limit,
    ) -> None:
        self.app = app
        self.body_timeout_s = body_timeout_s
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _answer(scope, receive, send, 413, _too_large(limit, f"{declared} bytes"))
            return
        if declared == 0 or (declared is None and not _has_body(scope)):
            await self.app(scope, receive, send)
            return
        try:
            body = await asyncio.wait_for(self._read(receive, limit), self.body_timeout_s)
        except _TooLarge:
            await _answer(scope, receive, send, 413, _too_large(limit, "more"))
            return
        except TimeoutError:
            message = Bilingual(
                zh=f"请求内容未在 {self.body_timeout_s:g} 秒内发送完毕",
                en=f"the request body did not arrive within {self.body_timeout_s:g} s; "
                "send it at once",
            )
            await _answer(scope, receive, send, 408, ("request_timeout", message))
            return
        if body is None:  # the client went away
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive, limit: int) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


class _TooLarge(Exception):
    pass


def _has_body(scope: Scope) -> bool:
    return any(name == b"transfer-encoding" for name, _ in scope.get("headers", ()))


def _too_large(limit: int, received: str) -> tuple[str, Bilingual]:
    return "too_large", Bilingual(
        zh=f"请求内容过大：此接口最多接受 {limit} 字节",
        en=f"request body too large: {received}; this endpoint accepts {limit} bytes",
    )


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _answer(
    scope: Scope, receive: Receive, send: Send, status: int, problem: tuple[str, Bilingual]
) -> None:
    code, message = problem
    response = error_response(status, code, message, headers={"Connection": "close"})
    await response(scope, receive, send)
