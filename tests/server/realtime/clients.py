"""Real websocket clients for the realtime tests."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from server.contract.events import parse_server_message
from tests.server.realtime.factories import TOKEN, decode


async def subscribe(
    url: str,
    *,
    token: str | None = TOKEN,
    last_seq: int | None = None,
    slow: bool = False,
) -> ClientConnection:
    """Connect and send Subscribe. ``slow``: tiny receive buffers and no compression, so a
    client that stops reading makes the server's sends block soon."""
    if slow:
        parts = urlsplit(url)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (parts.hostname, parts.port))
        ws = await connect(url, sock=sock, compression=None, max_queue=1)
    else:
        ws = await connect(url, compression=None)
    message: dict[str, Any] = {"type": "subscribe", "last_seq": last_seq}
    if token is not None:
        message["token"] = token
    await ws.send(json.dumps(message))
    return ws


async def receive(ws: ClientConnection, *, timeout_s: float = 10.0) -> dict[str, Any]:
    """The next message, checked against the contract, as a dict."""
    async with asyncio.timeout(timeout_s):
        text = await ws.recv()
    parse_server_message(text)
    return decode(text)


async def close_code(ws: ClientConnection, *, timeout_s: float = 10.0) -> int | None:
    """Wait for the server to close the connection; the close code it sent."""
    async with asyncio.timeout(timeout_s):
        try:
            while True:
                await ws.recv()
        except ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd is not None else None
