"""``EventStream``: the server's websocket event stream, subscribed until cancelled.

    stream = EventStream(server_url, token, on_message)
    await stream.run()                                   # until cancelled

Protocol (``server.contract.events``): send ``Subscribe{token, last_seq}``, receive a
``Snapshot`` or the missed events, then events numbered one by one. When a ``seq`` skips a
number the stream drops the connection and subscribes again with the last ``seq`` it
delivered, so the server replays what was missed (or sends a snapshot). When the server
restarted (close code 1012, or it could not be reached) its numbering restarted too: the
stream then asks for a snapshot. Reconnects back off from ``min_backoff_s`` doubling to
``max_backoff_s``; a new token (``set_token``, e.g. after signing in again) reconnects at once.

Callbacks run on the stream's event loop: ``on_message(message)`` for every message in order,
``on_state(connected)`` when the subscription is answered or lost, ``on_refused(error)`` when
the server refuses the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from pydantic import ValidationError
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from branchq_client.errors import ClientConfigError, StreamRefused
from server.contract.events import ErrorMessage, ServerMessage, Snapshot, Subscribe
from server.contract.events import parse_server_message as parse

log = logging.getLogger("branchq.client.stream")

CLOSE_SERVICE_RESTART = 1012
WS_PATH = "/api/v1/ws"


def ws_url(server_url: str) -> str:
    """``http://host:8000`` -> ``ws://host:8000/api/v1/ws`` (https -> wss)."""
    base = server_url.rstrip("/")
    for http, ws in (("http://", "ws://"), ("https://", "wss://")):
        if base.startswith(http):
            return ws + base[len(http) :] + WS_PATH
    if base.startswith(("ws://", "wss://")):
        return base if base.endswith(WS_PATH) else base + WS_PATH
    raise ClientConfigError(
        f"server url {server_url!r}: expected http://HOST:PORT or https://HOST:PORT"
    )


class EventStream:
    def __init__(
        self,
        server_url: str,
        token: str,
        on_message: Callable[[ServerMessage], None],
        *,
        min_backoff_s: float = 0.2,
        max_backoff_s: float = 5.0,
        open_timeout_s: float = 5.0,
    ) -> None:
        self.url = ws_url(server_url)
        self._token = token
        self._on_message = on_message
        self._min_backoff_s = min_backoff_s
        self._max_backoff_s = max_backoff_s
        self._open_timeout_s = open_timeout_s
        self.last_seq: int | None = None
        self.connected = False
        self.connections = 0  # subscriptions answered, for diagnostics and tests
        self.resyncs = 0  # resubscriptions after a gap in the numbering
        self.on_state: Callable[[bool], None] = lambda _connected: None
        self.on_refused: Callable[[StreamRefused], None] = lambda _error: None
        self._wake: asyncio.Event | None = None

    def set_token(self, token: str) -> None:
        """Use ``token`` from the next subscription on; a waiting reconnect goes at once.

        Call it on the stream's event loop.
        """
        self._token = token
        if self._wake is not None:
            self._wake.set()

    async def run(self) -> None:
        """Stay subscribed until cancelled."""
        self._wake = asyncio.Event()
        backoff = self._min_backoff_s
        while True:
            self._wake.clear()
            try:
                reason = await self._session()
            except StreamRefused as exc:
                reason = str(exc)
                log.error("event stream: %s", reason)
                self.on_refused(exc)
                backoff = max(backoff, self._max_backoff_s)  # until a new token wakes it
            except ConnectionClosed as exc:
                reason = f"connection lost ({exc})"
                if exc.rcvd is not None and exc.rcvd.code == CLOSE_SERVICE_RESTART:
                    self.last_seq = None  # a restarted server numbers its events anew
            except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
                reason = f"cannot reach {self.url}: {exc!r}"
                self.last_seq = None  # the server is down: it comes back with new numbers
            finally:
                was_connected = self.connected
                self._set_connected(False)
            if was_connected:
                backoff = self._min_backoff_s
            log.warning("event stream: %s; reconnecting in %.1f s", reason, backoff)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)
            backoff = min(backoff * 2, self._max_backoff_s)

    async def _session(self) -> str:
        """One connection, until it ends or skips a number; returns why it ended."""
        async with connect(
            self.url,
            open_timeout=self._open_timeout_s,
            close_timeout=1.0,
            ping_interval=10.0,
            ping_timeout=10.0,
            max_size=2**22,
        ) as ws:
            await ws.send(Subscribe(token=self._token, last_seq=self.last_seq).model_dump_json())
            async for raw in ws:
                try:
                    message = parse(raw)
                except ValidationError as exc:
                    log.error("event stream: ignoring a message not in the contract: %s", exc)
                    continue
                if isinstance(message, ErrorMessage):
                    raise StreamRefused(message.code, message.message)
                verdict = self._order(message)
                if verdict == "gap":
                    self.resyncs += 1
                    return "gap in event numbers"
                if not self.connected:
                    self.connections += 1
                    self._set_connected(True)
                    log.info("event stream: subscribed to %s (seq %s)", self.url, self.last_seq)
                if verdict == "apply":
                    self._on_message(message)
            if ws.close_code == CLOSE_SERVICE_RESTART:
                self.last_seq = None  # a restarted server numbers its events anew
            return f"server closed the connection (code {ws.close_code})"

    def _order(self, message: ServerMessage) -> str:
        """'apply', 'skip' (already processed) or 'gap' (missed events: resubscribe)."""
        seq = getattr(message, "seq", None)
        if not isinstance(seq, int):
            return "apply"
        if isinstance(message, Snapshot) or self.last_seq is None:
            self.last_seq = seq
            return "apply"
        if seq <= self.last_seq:
            log.info("event stream: skipping event %d, already processed", seq)
            return "skip"
        if seq != self.last_seq + 1:
            log.warning("event stream: got seq %d after %d; resubscribing", seq, self.last_seq)
            return "gap"
        self.last_seq = seq
        return "apply"

    def _set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self.on_state(connected)
