"""A minimal websocket subscriber that timestamps frames as the socket delivers them.

Why not the ``websockets`` client: with 100 subscribers in one process its per-message work
(frame parsing, the receive queue, a task switch per message) runs 100 times per event, and
the arrival time of the last subscriber then measures the load client, not the server. Here
each connection is a bare ``asyncio.Protocol``: ``data_received`` takes the time first, then
cuts the frames (server frames are unmasked; RFC 6455 section 5) and, for a ``ticket.called``
text message, hands ``(public_id, time)`` to a callback. It answers pings, so the server's
keepalive does not close it; everything else it ignores.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import struct
import time
from collections.abc import Callable
from typing import cast

from loadclient import BenchError

__all__ = ["Subscriber", "subscribe"]

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_CALLED = b'"type":"ticket.called"'
_PUBLIC_ID = b'"public_id":"'
_TEXT, _CONT, _CLOSE, _PING = 0x1, 0x0, 0x8, 0x9
_PONG = 0xA

OnCalled = Callable[[str, float], None]


def _frame(opcode: int, payload: bytes) -> bytes:
    """A client frame (FIN set, masked as RFC 6455 requires of clients)."""
    mask = os.urandom(4)
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 2**16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


class Subscriber(asyncio.Protocol):
    """One websocket connection; ``first`` resolves with the first text message (snapshot)."""

    def __init__(self, key: bytes, on_called: OnCalled) -> None:
        self._key = key
        self._on_called = on_called
        self._buf = bytearray()
        self._fragments = bytearray()
        self._upgraded = False
        self._transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.upgraded: asyncio.Future[None] = loop.create_future()
        self.first: asyncio.Future[bytes] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(
            asyncio.Transport, transport
        )  # idempotent: subscribe() may call it first

    def write(self, data: bytes) -> None:
        if self._transport is None:
            raise BenchError("websocket is not connected")
        self._transport.write(data)

    def send_text(self, text: str) -> None:
        self.write(_frame(_TEXT, text.encode()))

    def close(self) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(_frame(_CLOSE, struct.pack("!H", 1000)))
            self._transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        for fut in (self.upgraded, self.first):
            if not fut.done():
                fut.set_exception(BenchError(f"websocket closed before it was ready: {exc}"))
        if not self.closed.done():
            self.closed.set_result(None)

    def data_received(self, data: bytes) -> None:
        at = time.perf_counter()
        self._buf += data
        if not self._upgraded and not self._upgrade():
            return
        while True:
            frame = self._next_frame()
            if frame is None:
                return
            self._handle(*frame, at)

    def _upgrade(self) -> bool:
        end = self._buf.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = bytes(self._buf[:end]).decode("latin-1")
        del self._buf[: end + 4]
        accept = base64.b64encode(hashlib.sha1(self._key + _GUID).digest()).decode()
        if " 101 " not in head.split("\r\n", 1)[0] or accept not in head:
            self.upgraded.set_exception(
                BenchError(f"websocket upgrade answered {head[:200]!r}; expected 101 + accept")
            )
            return False
        self._upgraded = True
        self.upgraded.set_result(None)
        return True

    def _next_frame(self) -> tuple[int, bool, bytes] | None:
        buf = self._buf
        if len(buf) < 2:
            return None
        fin, opcode, length, offset = buf[0] & 0x80, buf[0] & 0x0F, buf[1] & 0x7F, 2
        if buf[1] & 0x80:
            raise BenchError("received a masked frame from the server; expected unmasked")
        if length == 126:
            if len(buf) < 4:
                return None
            (length,), offset = struct.unpack_from("!H", buf, 2), 4
        elif length == 127:
            if len(buf) < 10:
                return None
            (length,), offset = struct.unpack_from("!Q", buf, 2), 10
        if len(buf) < offset + length:
            return None
        payload = bytes(buf[offset : offset + length])
        del buf[: offset + length]
        return opcode, bool(fin), payload

    def _handle(self, opcode: int, fin: bool, payload: bytes, at: float) -> None:
        if opcode == _PING:
            if self._transport is not None:
                self._transport.write(_frame(_PONG, payload))
            return
        if opcode == _CLOSE:
            self.close()
            return
        if opcode not in (_TEXT, _CONT):
            return
        if not fin or self._fragments:
            self._fragments += payload
            if not fin:
                return
            payload, self._fragments = bytes(self._fragments), bytearray()
        if not self.first.done():
            self.first.set_result(payload)
            return
        if _CALLED in payload:
            start = payload.index(_PUBLIC_ID) + len(_PUBLIC_ID)
            self._on_called(payload[start : payload.index(b'"', start)].decode(), at)


async def subscribe(
    host: str, port: int, path: str, token: str, on_called: OnCalled, timeout_s: float = 10
) -> Subscriber:
    """Connect, upgrade, send Subscribe and wait for the snapshot."""
    loop = asyncio.get_running_loop()
    key = base64.b64encode(os.urandom(16))
    transport, proto = await loop.create_connection(lambda: Subscriber(key, on_called), host, port)
    proto.connection_made(transport)  # uvloop may call it only on the next loop turn
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key.decode()}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    )
    proto.write(request.encode("ascii"))
    await asyncio.wait_for(proto.upgraded, timeout_s)
    proto.send_text(json.dumps({"type": "subscribe", "token": token, "last_seq": None}))
    first = await asyncio.wait_for(proto.first, timeout_s)
    if b'"type":"snapshot"' not in first:
        proto.close()
        raise BenchError(f"websocket answered {first[:200]!r}; expected a snapshot first")
    return proto
