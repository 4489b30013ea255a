"""A response's head and body leave the server in one write (``server.serving``), and a head
whose body comes later (a stream) is not held back past the current turn of the event loop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import httpx
import pytest

from server.serving import _HeadWithBody
from tests.server.hardening.proc import ServerProcess, serve_process


class Recording(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


async def test_head_and_body_of_one_turn_are_one_write() -> None:
    wire = Recording()
    out = _HeadWithBody(wire, asyncio.get_running_loop())
    out.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    out.write(b"{}")
    out.write(b"")  # the end of a body: passes through
    assert wire.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}", b""]
    await asyncio.sleep(0)  # the turn ends: nothing held, nothing written twice
    assert len(wire.writes) == 2


async def test_a_head_alone_leaves_at_the_end_of_the_turn_and_on_close() -> None:
    loop = asyncio.get_running_loop()
    wire = Recording()
    out = _HeadWithBody(wire, loop)
    out.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
    assert wire.writes == []
    done = loop.create_future()
    loop.call_soon(done.set_result, None)  # queued after the flush
    await done
    assert wire.writes == [b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"]
    out.write(b"5\r\nhello\r\n")  # a stream's later chunks pass straight through
    assert wire.writes[-1] == b"5\r\nhello\r\n"

    wire2 = Recording()
    out2 = _HeadWithBody(wire2, loop)
    out2.write(b"HTTP/1.1 500 Internal Server Error\r\n\r\n")
    out2.close()  # closed before any body: the head still goes first
    assert wire2.writes == [b"HTTP/1.1 500 Internal Server Error\r\n\r\n"] and wire2.closed


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir = tmp_path_factory.mktemp("onewrite") / "var"
    with serve_process(data_dir) as proc:
        yield proc


def test_answers_through_the_real_server_are_whole(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.url) as client:  # keep-alive: many answers, one socket
        for _ in range(20):
            r = client.get("/healthz")
            assert r.status_code == 200 and r.json()["status"] in {"ok", "degraded"}
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: branch\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 ") and data.endswith(b"\r\n\r\n")  # a head, no body
