"""The websocket endpoint ``/api/v1/ws`` (protocol: see ``server.contract.events``).

Wiring (``server/main.py``)::

    hub = EventHub(snapshot=...)
    app.include_router(
        make_router(hub_getter=lambda: app.state.hub, authenticate=check_token)
    )  # no prefix: the router's path is already /api/v1/ws

- ``hub_getter()`` returns the running ``EventHub`` (created in the lifespan, which also calls
  ``hub.bind_loop(asyncio.get_running_loop())`` and, on shutdown, ``await hub.close()``).
- ``authenticate(token)`` returns the principal for a bearer token, or None when the token is
  unknown, expired or revoked. It is a plain function; it runs in a worker thread, so it may
  use the database. Every role may subscribe.

Per connection: the first message must be ``Subscribe`` within ``subscribe_timeout_s``. A
malformed one gets ``ErrorMessage{code "bad_message"}`` and close code 4400; a refused token
gets ``ErrorMessage{code "unauthorized"}`` and close code 4401; a server fault while checking
the token or taking the snapshot gets ``ErrorMessage{code "server_error"}`` and close code 1011.
Then a sender task drains the client's bounded queue (snapshot or replay first), while the
handler watches for the client going away. When the hub closes, clients get close code 1012
(service restart: reconnect with your last seq). Keepalive pings are uvicorn's (``ws_ping_*``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, WebSocket
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from server.contract.common import Bilingual
from server.contract.events import ErrorMessage, Subscribe
from server.realtime.guard import TokenGuard, Watched
from server.realtime.hub import EventHub, HubClosedError, Signal, Subscription

__all__ = ["MAX_CLIENT_MESSAGE_BYTES", "WS_PATH", "make_router"]

WS_PATH = "/api/v1/ws"
# the largest message a client may send (a subscribe is a few hundred bytes); ``branchq serve``
# makes the websocket library refuse longer frames from their header (``server.serving``)
MAX_CLIENT_MESSAGE_BYTES = 4096

CLOSE_BAD_MESSAGE = 4400
CLOSE_UNAUTHORIZED = 4401
CLOSE_TOO_BIG = 1009
CLOSE_SERVER_ERROR = 1011
CLOSE_SERVICE_RESTART = 1012

_log = logging.getLogger(__name__)

_SUBSCRIBE_SHAPE = '{"type": "subscribe", "token": "<bearer token>", "last_seq": <int or null>}'

_NO_TOKEN = Bilingual(
    zh="令牌无效：需要用户或设备的有效令牌",
    en="token refused: expected a valid bearer token of a user or a device",
)
_TOKEN_ENDED = Bilingual(
    zh="此连接的令牌已被吊销、注销、停用或已过期；请重新登录，或请管理员发放新的设备令牌",
    en="the token of this connection was revoked, logged out, disabled or has expired; "
    "log in again or ask an admin for a new device token",
)

# Errors that mean the client is gone while we send to it.
_GONE = (WebSocketDisconnect, RuntimeError, OSError)


def make_router(
    *,
    hub_getter: Callable[[], EventHub],
    authenticate: Callable[[str], object | None],
    subscribe_timeout_s: float = 10.0,
    path: str = WS_PATH,
    guard: TokenGuard | None = None,
) -> APIRouter:
    """An APIRouter serving the event stream at ``path`` (include it without a prefix).

    ``guard`` re-checks the tokens of open connections (made from ``authenticate`` when not
    given); the router's lifespan starts and stops it.
    """
    token_guard = guard or TokenGuard(authenticate)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        token_guard.start()
        try:
            yield
        finally:
            await token_guard.stop()

    router = APIRouter(lifespan=lifespan)

    @router.websocket(path)
    async def events_ws(websocket: WebSocket) -> None:
        await websocket.accept()
        request = await _read_subscribe(websocket, subscribe_timeout_s)
        if request is None:
            return
        try:
            principal = await run_in_threadpool(authenticate, request.token)
        except Exception:
            _log.exception("websocket: checking a token failed")
            await _refuse(
                websocket,
                "server_error",
                Bilingual(
                    zh="无法验证令牌，请稍后重试", en="could not check the token; retry later"
                ),
            )
            return
        if principal is None:
            await _refuse(websocket, "unauthorized", _NO_TOKEN)
            return
        watched = token_guard.watch(request.token, principal)
        try:
            await _serve(websocket, hub_getter(), request, watched)
        finally:
            token_guard.forget(watched)

    return router


async def _serve(websocket: WebSocket, hub: EventHub, request: Subscribe, watched: Watched) -> None:
    try:
        sub = await run_in_threadpool(hub.subscribe, request.last_seq)
    except HubClosedError:
        await _close(websocket, CLOSE_SERVICE_RESTART, "server restarting")
        return
    except Exception:
        _log.exception("websocket: taking the snapshot failed")
        await _refuse(
            websocket,
            "server_error",
            Bilingual(
                zh="无法获取当前状态，请稍后重试", en="could not take a snapshot; retry later"
            ),
        )
        return
    try:
        await _run_connection(websocket, hub, sub, watched)
    finally:
        hub.unsubscribe(sub)


async def _read_subscribe(websocket: WebSocket, timeout_s: float) -> Subscribe | None:
    """The client's Subscribe, or None after refusing the connection (or losing it)."""
    try:
        message = await asyncio.wait_for(websocket.receive(), timeout=timeout_s)
    except TimeoutError:
        await _refuse(
            websocket,
            "bad_message",
            Bilingual(
                zh=f"{timeout_s:g} 秒内未收到订阅消息",
                en=f"received nothing within {timeout_s:g} s; expected {_SUBSCRIBE_SHAPE}",
            ),
        )
        return None
    if message["type"] == "websocket.disconnect":
        return None
    data = message.get("text")
    if data is None:
        data = message.get("bytes") or b""
    if len(data) > MAX_CLIENT_MESSAGE_BYTES:
        await _refuse(
            websocket,
            "too_big",
            Bilingual(
                zh=f"订阅消息过长（{len(data)} 字节，最多 {MAX_CLIENT_MESSAGE_BYTES} 字节）",
                en=f"the subscribe has {len(data)} bytes; expected at most "
                f"{MAX_CLIENT_MESSAGE_BYTES}: {_SUBSCRIBE_SHAPE}",
            ),
        )
        return None
    try:
        return Subscribe.model_validate_json(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        if all(err["loc"][:1] == ("token",) for err in errors):
            await _refuse(websocket, "unauthorized", _NO_TOKEN)
            return None
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'message'}: {err['msg']}" for err in errors
        )
        await _refuse(
            websocket,
            "bad_message",
            Bilingual(
                zh=f"订阅消息格式不正确（{problems}）",
                en=f"received an invalid subscribe ({problems}); expected {_SUBSCRIBE_SHAPE}",
            ),
        )
        return None


async def _run_connection(
    websocket: WebSocket, hub: EventHub, sub: Subscription, watched: Watched
) -> None:
    """Send until the client leaves, the hub closes, a send fails or the token ends."""
    sender = asyncio.create_task(_pump(websocket, hub, sub))
    watcher = asyncio.create_task(_watch_disconnect(websocket))
    revoked = asyncio.create_task(watched.revoked.wait())
    try:
        done, _ = await asyncio.wait(
            {sender, watcher, revoked}, return_when=asyncio.FIRST_COMPLETED
        )
        if revoked in done:
            sender.cancel()
            await _refuse(websocket, "unauthorized", _TOKEN_ENDED)
    finally:
        for task in (sender, watcher, revoked):
            task.cancel()
        results = await asyncio.gather(sender, watcher, revoked, return_exceptions=True)
        for result in results:
            if isinstance(result, Exception) and not isinstance(result, _GONE):
                _log.error("websocket connection failed", exc_info=result)


async def _pump(websocket: WebSocket, hub: EventHub, sub: Subscription) -> None:
    try:
        for text in sub.initial:
            await websocket.send_text(text)
        sub.initial = []
        while True:
            item = await sub.queue.get()
            if item is Signal.CLOSED:
                await _close(websocket, CLOSE_SERVICE_RESTART, "server restarting")
                return
            if item is Signal.LAGGED:
                item = await run_in_threadpool(hub.resync, sub)
            await websocket.send_text(item)
    except _GONE:
        return


async def _watch_disconnect(websocket: WebSocket) -> None:
    """Read (and ignore) client messages until it disconnects."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return


async def _refuse(websocket: WebSocket, code: str, message: Bilingual) -> None:
    close_code = {
        "bad_message": CLOSE_BAD_MESSAGE,
        "too_big": CLOSE_TOO_BIG,
        "unauthorized": CLOSE_UNAUTHORIZED,
    }.get(code, CLOSE_SERVER_ERROR)
    try:
        await websocket.send_text(ErrorMessage(code=code, message=message).model_dump_json())
    except _GONE:
        return
    await _close(websocket, close_code, code)


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    with contextlib.suppress(*_GONE):
        await websocket.close(code=code, reason=reason)
