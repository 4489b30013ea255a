"""How the server is run in production: uvicorn's settings and the protections that live below
the ASGI app (``branchq serve`` uses ``uvicorn_config``; see ``deploy/INSTALL.md``).

- HTTP/1.1 by h11 with a 16 KiB cap on a request head and a deadline for it: a client has
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
from uvicorn.protocols.http.h11_impl import H11Protocol

from server.config import Settings
from server.realtime.ws import MAX_CLIENT_MESSAGE_BYTES

__all__ = [
    "MAX_REQUEST_HEAD_BYTES",
    "RedactTokens",
    "restrict_data_dir",
    "timed_h11",
    "uvicorn_config",
]

MAX_REQUEST_HEAD_BYTES = 16 * 1024
_log = logging.getLogger(__name__)


def timed_h11(header_timeout_s: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a deadline for each request head."""

    class TimedH11Protocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm_head_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_head_timer()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm_head_timer()

        def _arm_head_timer(self) -> None:
            self._cancel_head_timer()
            self._head_timer = self.loop.call_later(
                header_timeout_s, self._head_timed_out, self.cycle
            )

        def _cancel_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timed_out(self, cycle_at_arm: Any) -> None:
            self._head_timer = None
            if self.transport.is_closing() or self.transport.get_protocol() is not self:
                return  # closed, or upgraded to a websocket
            cycle = self.cycle
            waiting_for_head = cycle is None or (cycle is cycle_at_arm and cycle.response_complete)
            if waiting_for_head:
                self.transport.close()

    return TimedH11Protocol


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
        http=timed_h11(settings.header_timeout_s),
        h11_max_incomplete_event_size=MAX_REQUEST_HEAD_BYTES,
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
