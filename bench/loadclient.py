"""A lean load client: raw HTTP/1.1 over persistent (keep-alive) asyncio sockets.

One ``HttpConnection`` per simulated client; ``run_phase`` drives N of them against one
request factory for a fixed number of requests or a time cap, whichever comes first, and
returns the rate and the latency samples. No HTTP library sits between the socket and the
clock, so the client's own ceiling (measured against the server's cheapest endpoint) stays
well above what the endpoints under test need.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "BenchError",
    "BodyCheck",
    "HttpConnection",
    "PhaseResult",
    "Request",
    "RequestFactory",
    "percentile",
    "run_phase",
]

RequestFactory = Callable[[int], "Request"]
BodyCheck = Callable[[bytes], None]


class BenchError(Exception):
    """Base of the benchmark's errors: the server answered something we did not expect."""


@dataclass(frozen=True)
class Request:
    """One request to send, and the status it must be answered with."""

    method: str
    path: str
    body: bytes = b""
    token: str | None = None
    expect_status: int = 200


@dataclass(frozen=True)
class PhaseResult:
    name: str
    clients: int
    requests: int
    wall_s: float
    latencies_s: tuple[float, ...]

    @property
    def rate(self) -> float:
        return self.requests / self.wall_s if self.wall_s > 0 else 0.0

    def p(self, pct: float) -> float:
        return percentile(self.latencies_s, pct)


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (``pct`` in 0..100) of ``samples``; NaN when empty."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


class HttpConnection:
    """One keep-alive HTTP/1.1 connection; requests go one after the other."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def open(self) -> HttpConnection:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self._writer.wait_closed()
            self._reader = self._writer = None

    def _encode(self, req: Request) -> bytes:
        lines = [f"{req.method} {req.path} HTTP/1.1", f"host: {self.host}:{self.port}"]
        if req.token is not None:
            lines.append(f"authorization: Bearer {req.token}")
        if req.body or req.method in ("POST", "PUT", "PATCH"):
            lines.append("content-type: application/json")
            lines.append(f"content-length: {len(req.body)}")
        head = "\r\n".join(lines).encode("ascii") + b"\r\n\r\n"
        return head + req.body

    async def send(self, req: Request) -> tuple[int, bytes]:
        """Send ``req`` and return (status, body); the connection stays open."""
        if self._reader is None or self._writer is None:
            raise BenchError("connection is not open; call open() first")
        self._writer.write(self._encode(req))
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, _, header_block = head.partition(b"\r\n")
        parts = status_line.split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
            raise BenchError(f"received status line {status_line[:80]!r}; expected 'HTTP/1.1 NNN'")
        status = int(parts[1])
        length: int | None = None
        for line in header_block.split(b"\r\n"):
            name, _, value = line.partition(b":")
            lname = name.strip().lower()
            if lname == b"content-length":
                length = int(value.strip())
            elif lname == b"transfer-encoding":
                raise BenchError(f"received transfer-encoding {value.strip()!r}; expected a length")
        body = await self._reader.readexactly(length) if length else b""
        return status, body

    async def expect(self, req: Request) -> bytes:
        """Send ``req``; raise BenchError unless the status is ``req.expect_status``."""
        status, body = await self.send(req)
        if status != req.expect_status:
            raise BenchError(
                f"{req.method} {req.path} answered {status}: {body[:300]!r}; "
                f"expected {req.expect_status}"
            )
        return body


async def run_phase(
    name: str,
    *,
    host: str,
    port: int,
    clients: int,
    total: int,
    time_cap_s: float,
    make_request: RequestFactory,
    warmup: int = 0,
    check_body: BodyCheck | None = None,
) -> PhaseResult:
    """``clients`` connections share ``total`` requests (stopping early at ``time_cap_s``).

    ``make_request(i)`` builds request number i (warm-up requests come first and are not
    measured). Every answer must have its expected status; ``check_body`` may check more.
    """
    conns = [await HttpConnection(host, port).open() for _ in range(clients)]
    try:
        counter = iter(range(warmup + total))
        for _ in range(warmup):
            i = next(counter)
            body = await conns[i % clients].expect(make_request(i))
            if check_body is not None:
                check_body(body)
        latencies: list[float] = []
        deadline = time.perf_counter() + time_cap_s

        async def worker(conn: HttpConnection) -> None:
            perf = time.perf_counter
            for i in counter:
                req = make_request(i)
                t0 = perf()
                body = await conn.expect(req)
                t1 = perf()
                latencies.append(t1 - t0)
                if check_body is not None:
                    check_body(body)
                if t1 > deadline:
                    return

        start = time.perf_counter()
        await asyncio.gather(*(worker(c) for c in conns))
        wall = time.perf_counter() - start
    finally:
        for conn in conns:
            await conn.close()
    return PhaseResult(name, clients, len(latencies), wall, tuple(latencies))
