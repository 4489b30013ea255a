"""What ``branchq serve`` protects below the app: slow and oversized requests, headers, proxies,
the access log, file modes and local API docs (one real server process for the module)."""

from __future__ import annotations

import json
import socket
import stat
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from server.contract.common import Role
from server.services import users
from server.store.db import make_engine, migrate, write_session
from tests.server.hardening.proc import ServerProcess, serve_process, wait_until

HEADER_TIMEOUT_S = 1.0
BODY_TIMEOUT_S = 1.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir = tmp_path_factory.mktemp("limits") / "var"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)  # as a careless install leaves it: restrict_data_dir must fix it
    engine = make_engine(f"sqlite:///{data_dir / 'branchq.sqlite3'}")
    try:  # a display's token, and the database file made with this process's umask
        migrate(engine)
        with write_session(engine) as session:
            display = users.create_device_token(
                session, name="lobby", role=Role.DISPLAY, now=datetime.now(UTC)
            )
    finally:
        engine.dispose()
    env = {
        "BRANCHQ_HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S),
        "BRANCHQ_BODY_TIMEOUT_S": str(BODY_TIMEOUT_S),
    }
    with serve_process(data_dir, env=env) as proc:
        proc.data_dir = data_dir  # type: ignore[attr-defined]
        proc.display_token = display  # type: ignore[attr-defined]
        yield proc


def _connect(server: ServerProcess) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    return sock


def _read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (or 10 s pass)."""
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):  # a reset after the answer ends it too
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_answers_carry_security_headers_and_no_server_header(server: ServerProcess) -> None:
    r = httpx.get(f"{server.url}/healthz")
    assert r.status_code == 200
    assert "server" not in r.headers
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    login = httpx.post(f"{server.url}/api/v1/auth/login", json={"username": "x", "password": "y"})
    assert login.status_code == 401
    assert login.headers["cache-control"] == "no-store"


def test_half_sent_request_head_is_closed_after_the_header_timeout(server: ServerProcess) -> None:
    sock = _connect(server)
    started = time.monotonic()
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: branch\r\nX-Slow: ")  # never finished
    assert _read_all(sock) == b""  # closed without an answer
    took = time.monotonic() - started
    sock.close()
    assert HEADER_TIMEOUT_S * 0.8 <= took < HEADER_TIMEOUT_S + 4, took


def test_many_half_sent_requests_are_dropped_and_the_server_keeps_serving(
    server: ServerProcess,
) -> None:
    before = server.open_fds()
    socks = []
    for _ in range(300):
        sock = _connect(server)
        sock.sendall(b"POST /api/v1/tickets HTTP/1.1\r\nHost: branch\r\n")
        socks.append(sock)
    wait_until(lambda: server.open_fds() >= before + 250, what="the server to accept them")
    wait_until(
        lambda: server.open_fds() <= before + 10,
        timeout_s=HEADER_TIMEOUT_S + 10,
        what="the half-sent requests to be closed",
    )
    assert httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200
    for sock in socks:
        sock.close()


def test_an_idle_keep_alive_connection_is_closed_too(server: ServerProcess) -> None:
    sock = _connect(server)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: branch\r\n\r\nGET /healthz HTTP/1.1\r\nHo")
    data = _read_all(sock)
    sock.close()
    assert data.count(b"HTTP/1.1 200") == 1  # the first answered, the trickling second cut


def test_a_slow_body_gets_408(server: ServerProcess) -> None:
    sock = _connect(server)
    sock.sendall(
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: branch\r\nContent-Type: application/json\r\n"
        b'Content-Length: 60\r\n\r\n{"username": '
    )
    data = _read_all(sock)
    sock.close()
    assert data.startswith(b"HTTP/1.1 408"), data[:200]
    assert b"request_timeout" in data


def test_a_too_long_body_is_refused_413_before_it_is_sent(server: ServerProcess) -> None:
    sock = _connect(server)
    sock.sendall(
        b"POST /api/v1/auth/login HTTP/1.1\r\nHost: branch\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000000\r\n\r\n"
    )  # the body is never sent: the answer must not wait for it
    sock.settimeout(BODY_TIMEOUT_S / 2)  # sooner than the body timeout could answer
    first = _read_all(sock)
    sock.close()
    assert first.startswith(b"HTTP/1.1 413"), first[:200]
    assert b"4096 bytes" in first
    assert len(first) < 2000


def test_a_chunked_body_past_the_limit_gets_413(server: ServerProcess) -> None:
    chunk = b"x" * 4096
    # head and four chunks in one write: the server reads them all before it answers and
    # closes (chunks still unread at its close would make the kernel reset the connection,
    # which can drop the answer before the client reads it)
    with _connect(server) as sock:
        sock.sendall(
            b"POST /api/v1/tickets HTTP/1.1\r\nHost: branch\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" + (b"%x\r\n%s\r\n" % (len(chunk), chunk)) * 4
        )
        data = _read_all(sock)
    assert data.startswith(b"HTTP/1.1 413"), data[:200]
    assert b"x" * 100 not in data  # the input is not echoed


def test_a_huge_request_head_is_refused(server: ServerProcess) -> None:
    sock = _connect(server)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: branch\r\nX-Big: " + b"a" * 40_000)
    data = _read_all(sock)
    sock.close()
    assert data.startswith(b"HTTP/1.1 400"), data[:200]


def test_a_request_head_trickled_past_16_kib_is_refused_and_one_under_it_answered(
    server: ServerProcess,
) -> None:
    sock = _connect(server)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: branch\r\nX-Big: ")
    for _ in range(20):  # 20 KiB in 1 KiB writes (a head never completed)
        try:
            sock.sendall(b"a" * 1024)
        except (BrokenPipeError, ConnectionResetError):
            break  # refused and closed already
    data = _read_all(sock)
    sock.close()
    assert data.startswith(b"HTTP/1.1 400"), data[:200]
    with _connect(server) as sock:  # 15 KiB of headers is still a request
        sock.sendall(
            b"GET /healthz HTTP/1.1\r\nHost: branch\r\nConnection: close\r\nX-Big: "
            + b"a" * 15_000
            + b"\r\n\r\n"
        )
        assert _read_all(sock).startswith(b"HTTP/1.1 200")


def test_x_forwarded_for_is_not_believed_from_an_unconfigured_peer(server: ServerProcess) -> None:
    marker = "/healthz?probe=xff"
    r = httpx.get(f"{server.url}{marker}", headers={"X-Forwarded-For": "10.66.66.66"})
    assert r.status_code == 200
    wait_until(lambda: marker in server.log(), what="the access log line")
    line = next(line for line in server.lines if marker in line)
    assert "10.66.66.66" not in line
    assert "127.0.0.1" in line


def test_tokens_in_query_strings_are_redacted_from_the_access_log(server: ServerProcess) -> None:
    secret = "s3cr3t-TOKEN-value-123"
    r = httpx.get(f"{server.url}/api/v1/services?token={secret}&x=1")
    assert r.status_code == 200
    wait_until(lambda: "/api/v1/services?token=" in server.log(), what="the access log line")
    assert secret not in server.log()
    assert "token=[redacted]&x=1" in server.log()


def test_data_directory_and_database_are_the_server_users_only(server: ServerProcess) -> None:
    data_dir: Path = server.data_dir  # type: ignore[attr-defined]
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    files = [p for p in data_dir.iterdir() if p.is_file()]
    assert any(p.name == "branchq.sqlite3" for p in files)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_api_docs_are_served_without_a_cdn(server: ServerProcess) -> None:
    page = httpx.get(f"{server.url}/docs")
    assert page.status_code == 200
    assert "http" not in page.text.replace("http-equiv", "")  # every asset from this server
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text  # no inline script: the CSP forbids it
    for asset in (
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/assets/swagger-ui.css",
        "/docs/init.js",
    ):
        r = httpx.get(f"{server.url}{asset}")
        assert r.status_code == 200, asset
        assert len(r.content) > 20
    assert httpx.get(f"{server.url}/openapi.json").status_code == 200


def test_a_body_of_many_keys_gets_a_short_422_that_does_not_echo_it(server: ServerProcess) -> None:
    body = "{" + ",".join(f'"k{i:04d}{"x" * 20}": 1' for i in range(120)) + "}"
    assert len(body) < 4096
    r = httpx.post(
        f"{server.url}/api/v1/auth/login",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert len(r.content) < 2000, len(r.content)
    assert "more problems" in r.json()["message"]["en"]
    long_key = "y" * 3000
    r = httpx.post(f"{server.url}/api/v1/auth/login", json={long_key: 1})
    assert r.status_code == 422
    assert long_key not in r.text and len(r.content) < 2000


def test_an_authenticated_websocket_sending_a_large_frame_is_closed(server: ServerProcess) -> None:
    url = f"ws://127.0.0.1:{server.port}/api/v1/ws"
    token = server.display_token  # type: ignore[attr-defined]
    with connect(url, compression="deflate", open_timeout=5, max_size=None) as ws:
        assert ws.response.headers.get("Sec-WebSocket-Extensions") is None  # no compression
        ws.send(json.dumps({"type": "subscribe", "token": token, "last_seq": None}))
        assert json.loads(ws.recv(timeout=5))["type"] == "snapshot"
        ws.send("x" * 10_000)  # after the subscribe, frames stay capped at 4 KiB
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


def test_x_forwarded_for_is_believed_from_a_configured_proxy(tmp_path: Path) -> None:
    env = {"BRANCHQ_TRUSTED_PROXIES": '["127.0.0.1"]'}
    with serve_process(tmp_path / "var", env=env) as proxied:
        marker = "/healthz?probe=trusted-xff"
        r = httpx.get(f"{proxied.url}{marker}", headers={"X-Forwarded-For": "10.66.66.66"})
        assert r.status_code == 200
        wait_until(lambda: marker in proxied.log(), what="the access log line")
        line = next(line for line in proxied.lines if marker in line)
    assert "10.66.66.66" in line
