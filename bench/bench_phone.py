"""Phone pages vs. the lobby: does a lobby full of phones following their tickets slow the calls?

In one run: ``branchq serve`` (SQLite, WAL, FULL) as its own process, as bench_server.py starts
it; 100 websocket subscribers (display token) and a queue of waiting A tickets. Two phases of
the same call loop - call-next at counter 1, wait until every subscriber has the
``ticket.called`` event (and, with phones, until the called ticket's phone has its CALLED view),
no-show, issue one more A ticket - first with no phone connected (the baseline), then with
``--phones`` server-sent-event streams (``/api/v1/tickets/{id}/events``) open on the first
waiting tickets, a new phone joining for each ticket issued so their number stays the same.
Every call is in the phones' service, so every call wakes every phone's stream.

Reports: call-next -> event at a subscriber (p50/p99) in both phases and their ratio, and
call-next -> the called ticket's phone shows "please go to counter 1" (p50/p99).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench_server import COUNTER, HOST, _login, launch, machine, make_tokens, stop_server
from loadclient import BenchError, HttpConnection, Request, percentile
from wsclient import Subscriber, subscribe

_CALLED = b'"state":"CALLED"'


class Phone(asyncio.Protocol):
    """One phone's event stream: notes when its CALLED view arrives (bytes as they come)."""

    def __init__(self, public_id: str, on_called: dict[str, float], ready: asyncio.Event) -> None:
        self.public_id = public_id
        self._on_called = on_called
        self._ready = ready
        self._buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        at = time.perf_counter()
        self._buf = self._buf[-64:] + data
        if b"event: view" in self._buf:
            self._ready.set()
        if _CALLED in self._buf and self.public_id not in self._on_called:
            self._on_called[self.public_id] = at


async def open_phone(port: int, public_id: str, called: dict[str, float]) -> Phone:
    ready = asyncio.Event()
    loop = asyncio.get_running_loop()
    transport, phone = await loop.create_connection(
        lambda: Phone(public_id, called, ready), HOST, port
    )
    phone.connection_made(transport)
    transport.write(
        f"GET /api/v1/tickets/{public_id}/events HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode("ascii")
    )
    await asyncio.wait_for(ready.wait(), 10)
    return phone


async def issue(conn: HttpConnection, kiosk: str, n: int) -> str:
    key = f"phone-bench-{time.perf_counter_ns()}-{n}"
    body = json.dumps({"service_code": "A", "idempotency_key": key}).encode()
    answer = await conn.expect(Request("POST", "/api/v1/tickets", body, kiosk, expect_status=201))
    public_id: str = json.loads(answer)["public_id"]
    return public_id


async def phase(
    port: int, teller: str, kiosk: str, display: str, *, phones: int, calls: int, queue: int
) -> tuple[list[float], list[float]]:
    """(call-next -> event at each subscriber, call-next -> CALLED at the phone) samples."""
    arrivals: dict[str, list[float]] = defaultdict(list)
    subs: list[Subscriber] = []
    for _ in range(100):
        subs.append(await subscribe(HOST, port, "/api/v1/ws", display, _note(arrivals)))
    conn = await HttpConnection(HOST, port).open()
    called: dict[str, float] = {}
    open_phones: dict[str, Phone] = {}
    waiting = [await issue(conn, kiosk, n) for n in range(queue)]
    for public_id in waiting[:phones]:
        open_phones[public_id] = await open_phone(port, public_id, called)
    events: list[float] = []
    flips: list[float] = []
    call_next = Request("POST", f"/api/v1/counters/{COUNTER}/call-next", token=teller)
    no_show = Request("POST", f"/api/v1/counters/{COUNTER}/no-show", token=teller)
    try:
        for n in range(calls):
            t0 = time.perf_counter()
            body = json.loads(await conn.expect(call_next))
            public_id = body["ticket"]["public_id"]
            deadline = time.perf_counter() + 10
            while len(arrivals[public_id]) < len(subs) or (
                public_id in open_phones and public_id not in called
            ):
                if time.perf_counter() > deadline:
                    raise BenchError(f"call {n}: not every subscriber or phone saw it in 10 s")
                await asyncio.sleep(0.0005)
            events.extend(at - t0 for at in arrivals.pop(public_id))
            if public_id in open_phones:
                flips.append(called[public_id] - t0)
                phone = open_phones.pop(public_id)
                if phone.transport is not None:
                    phone.transport.close()
            await conn.expect(no_show)
            fresh = await issue(conn, kiosk, queue + n)
            waiting.append(fresh)
            if len(open_phones) < phones:
                open_phones[fresh] = await open_phone(port, fresh, called)
    finally:
        for phone in open_phones.values():
            if phone.transport is not None:
                phone.transport.close()
        for sub in subs:
            sub.close()
        await conn.close()
    # leave an empty queue for the next phase
    return events, flips


def _note(arrivals: dict[str, list[float]]) -> object:
    def note(public_id: str, at: float) -> None:
        arrivals[public_id].append(at)

    return note


async def drain(port: int, teller: str) -> None:
    """Call and cancel what is left, so the next phase starts from an empty queue."""
    conn = await HttpConnection(HOST, port).open()
    try:
        while True:
            body = json.loads(
                await conn.expect(
                    Request("POST", f"/api/v1/counters/{COUNTER}/call-next", token=teller)
                )
            )
            if body.get("ticket") is None:
                return
            await conn.expect(Request("POST", f"/api/v1/counters/{COUNTER}/no-show", token=teller))
    finally:
        await conn.close()


def ms(samples: list[float], pct: float) -> float:
    return percentile(samples, pct) * 1000


async def main_async(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="branchq-bench-phone-") as tmp:
        data_dir = Path(tmp) / "data"
        info = machine()
        tokens = make_tokens(data_dir)
        log = Path(tmp) / "server.log"
        proc, port = await launch(data_dir, log, None)
        try:
            teller = await _login(port, tokens)
            base, _ = await phase(
                port, teller, tokens.kiosk, tokens.display,
                phones=0, calls=args.calls, queue=args.phones,
            )  # fmt: skip
            await drain(port, teller)
            loaded, flips = await phase(
                port, teller, tokens.kiosk, tokens.display,
                phones=args.phones, calls=args.calls, queue=args.phones,
            )  # fmt: skip
        finally:
            stop_server(proc)
        server_log = log.read_text(errors="replace").strip()
    print(f"# {info.get('date', '')} cpus {info.get('cpus', '')}, {args.calls} calls per phase")
    print("| measurement | n | p50 ms | p99 ms | x baseline p50 | x baseline p99 |")
    print("|---|---|---|---|---|---|")
    b50, b99 = ms(base, 50), ms(base, 99)
    print(f"| call-next -> event at each of 100 subscribers, no phone | {len(base)} | "
          f"{b50:.2f} | {b99:.2f} | 1 | 1 |")  # fmt: skip
    l50, l99 = ms(loaded, 50), ms(loaded, 99)
    print(f"| same, {args.phones} phones following their tickets | {len(loaded)} | "
          f"{l50:.2f} | {l99:.2f} | {l50 / b50:.2f} | {l99 / b99:.2f} |")  # fmt: skip
    f50, f99 = ms(flips, 50), ms(flips, 99)
    print(f"| call-next -> the called ticket's phone has its CALLED view | {len(flips)} | "
          f"{f50:.2f} | {f99:.2f} | {f50 / b50:.2f} | {f99 / b99:.2f} |")  # fmt: skip
    if server_log:
        print(f"\nserver log (warnings and errors):\n{server_log[-2000:]}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=100, help="phone event streams")
    parser.add_argument("--calls", type=int, default=200, help="calls per phase")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
