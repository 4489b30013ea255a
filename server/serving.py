"""How the server is run in production: uvicorn's settings and the protections that live below
the ASGI app (``branchq serve`` uses ``uvicorn_config``; see ``deploy/INSTALL.md``).

- HTTP/1.1 by httptools (llhttp, in C; h11 cost a quarter more server CPU per request) with a
  16 KiB cap on a request head (400 past it) and a deadline for it: a client has
  ``header_timeout_s`` from connecting (or from the end of its previous answer) to finish its
  request line and headers, else the connection is closed. Half-sent requests cannot pile up
  and eat the file descriptors. (Bodies: ``server.api.limits``.)
- At most ``max_connections`` connections at once: past that new requests get 503 at once.
- Websocket messages from clients are at most ``MAX_CLIENT_MESSAGE_BYTES`` (a subscribe is a
  few hundred bytes; the websocket library refuses a longer frame from its header, before
  reading it) and per-message compression is off (no decompression bombs).
- ``X-Forwarded-For``/``-Proto`` are believed only from ``trusted_proxies``.
- No ``server: uvicorn`` header; tokens in query strings never reach the access log.
- Files the server creates are its user's alone (umask 077), and ``restrict_data_dir`` takes
  group and other access away from an existing data directory and database.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import stat
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from server.config import Settings
from server.realtime.ws import MAX_CLIENT_MESSAGE_BYTES

__all__ = [
    "MAX_REQUEST_HEAD_BYTES",
    "RedactTokens",
    "restrict_data_dir",
    "timed_httptools",
    "uvicorn_config",
]

MAX_REQUEST_HEAD_BYTES = 16 * 1024
_log = logging.getLogger(__name__)


def timed_httptools(header_timeout_s: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with a deadline and a size cap for each request head."""

    class TimedHttpToolsProtocol(HttpToolsProtocol):
        _head_timer: asyncio.TimerHandle | None = None
        _in_head = True  # between the end of a request's head and the start of the next
        _head_bytes = 0  # bytes received since the head began (an upper bound)

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_head_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_head_timer()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self._in_head:
                self._head_bytes += len(data)
            super().data_received(data)
            too_long = self._in_head and self._head_bytes > MAX_REQUEST_HEAD_BYTES
            if too_long and not self.transport.is_closing():
                self.send_400_response("Request head too large.")

        def on_headers_complete(self) -> None:
            self._in_head = False
            before = self.cycle
            super().on_headers_complete()
            if self.cycle is not before and self.cycle.transport is self.transport:
                self.cycle.transport = _HeadWithBody(self.transport, self.loop)  # type: ignore[assignment]

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._in_head, self._head_bytes = True, 0

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm_head_timer()

        def _arm_head_timer(self) -> None:
            self._cancel_head_timer()
            self._head_timer = self.loop.call_later(header_timeout_s, self._head_timed_out)

        def _cancel_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timed_out(self) -> None:
            self._head_timer = None
            if self.transport.is_closing() or self.transport.get_protocol() is not self:
                return  # closed, or upgraded to a websocket
            cycle = self.cycle
            if self._in_head and (cycle is None or cycle.response_complete):
                self.transport.close()  # no answer is owed: the head never came

    return TimedHttpToolsProtocol


class _HeadWithBody:
    """A response's view of its connection: the head (the first write) is held until the body's
    first write or the end of this turn of the event loop, so that a small answer leaves in one
    send instead of two (each send is a system call and a wake-up of the client)."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = b""  # b"": nothing written yet; None: passing through

    def write(self, data: bytes) -> None:
        held = self._held
        if held is None:
            self._transport.write(data)
        elif held == b"":  # the head: wait for the body
            self._held = bytes(data)
            self._loop.call_soon(self.flush)
        else:
            self._held = None
            self._transport.write(held + data)

    def flush(self) -> None:
        held, self._held = self._held, None
        if held and not self._transport.is_closing():
            self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


_TOKEN_IN_QUERY = re.compile(r"(?i)([?&;][^=&#\s]*(?:token|password|secret)[^=&#\s]*=)[^&#\s]*")


def redact(text: str) -> str:
    """``text`` with the values of token/password query parameters replaced."""
    return _TOKEN_IN_QUERY.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """Redacts tokens from the arguments of uvicorn's access log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def uvicorn_config(app: Any, settings: Settings, *, log_level: str = "info") -> uvicorn.Config:
    """The uvicorn settings of a production server for ``app``."""
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        http=timed_httptools(settings.header_timeout_s),
        ws="websockets",
        ws_max_size=MAX_CLIENT_MESSAGE_BYTES,
        ws_max_queue=4,
        ws_per_message_deflate=False,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies),
        server_header=False,
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=10,
    )
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())
    return config


def restrict_data_dir(data_dir: Path) -> None:
    """Make ``data_dir`` (created if missing) and the files in it readable by this user only;
    new files follow (umask 077 for this process)."""
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    _restrict(data_dir, 0o700)
    for path in data_dir.iterdir():
        if path.is_file() and not path.is_symlink():
            _restrict(path, 0o600)


def _restrict(path: Path, mode: int) -> None:
    current = stat.S_IMODE(path.stat().st_mode)
    if current & 0o077:
        path.chmod(mode)
        _log.info("%s was readable by others (mode %o); now %o", path, current, mode)
