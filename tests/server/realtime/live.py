"""A real uvicorn server on an ephemeral loopback port, serving a minimal app: the hub, the
websocket router and an ``authenticate`` that accepts one token (wiring, not a mock)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

from server.realtime.hub import EventHub
from server.realtime.ws import WS_PATH, make_router
from tests.prompt_server import PromptServer
from tests.server.realtime.factories import EXPLODING_TOKEN, TOKEN


@dataclass
class LiveServer:
    hub: EventHub
    url: str
    loop: asyncio.AbstractEventLoop


def authenticate(token: str) -> str | None:
    """Accepts TOKEN; EXPLODING_TOKEN stands for a database that is down."""
    if token == EXPLODING_TOKEN:
        raise RuntimeError("database is down")
    return "teller-1" if token == TOKEN else None


def build_app(
    hub: EventHub, loop_box: list[asyncio.AbstractEventLoop], subscribe_timeout_s: float
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        hub.bind_loop(loop)
        loop_box.append(loop)
        yield
        await hub.close(timeout_s=5)

    app = FastAPI(lifespan=lifespan)
    app.include_router(
        make_router(
            hub_getter=lambda: hub,
            authenticate=authenticate,
            subscribe_timeout_s=subscribe_timeout_s,
        )
    )
    return app


def wait_until(condition: Callable[[], bool], *, timeout_s: float = 10.0, what: str) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.005)


@contextmanager
def serve(hub: EventHub, *, subscribe_timeout_s: float = 10.0) -> Iterator[LiveServer]:
    """Run the app in a uvicorn server on its own thread and event loop.

    subscribe_timeout_s: how long a client may take to send its Subscribe after the server
    accepted it. The server's default (10 s): a short one refuses clients of a loaded machine
    (100 clients connecting at once on 2 busy CPUs can take over a second between accept and
    send), and they would get an ``error`` message instead of their snapshot.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    loop_box: list[asyncio.AbstractEventLoop] = []
    config = uvicorn.Config(
        build_app(hub, loop_box, subscribe_timeout_s), log_level="warning", lifespan="on"
    )
    server = PromptServer(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started or not thread.is_alive(), what="uvicorn to start")
        assert server.started, "uvicorn stopped before it started serving"
        yield LiveServer(hub=hub, url=f"ws://127.0.0.1:{port}{WS_PATH}", loop=loop_box[0])
    finally:
        server.stop()
        thread.join(timeout=15)
        sock.close()
    assert not thread.is_alive(), "uvicorn did not stop within 15 s"
