"""Call-to-event latency: N websocket subscribers, a teller calling next again and again.

Each subscriber is a lean task reading its websocket: it does not parse every event, it only
notes, for each ``ticket.called`` event, the ticket's ``public_id`` and the time the frame
arrived. The teller sends call-next (time t0), reads the answer (the called ticket), waits until
every subscriber has that ticket's event, then frees the counter with no-show.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from dataclasses import dataclass

from loadclient import BenchError, HttpConnection, Request
from websockets.asyncio.client import ClientConnection, connect

__all__ = ["CallResult", "run_calls"]

_CALLED = '"type":"ticket.called"'
_PUBLIC_ID = '"public_id":"'


@dataclass(frozen=True)
class CallResult:
    subscribers: int
    calls: int
    wall_s: float
    event_latencies_s: tuple[float, ...]  # call-next sent -> event at one subscriber
    last_subscriber_s: tuple[float, ...]  # call-next sent -> event at the last subscriber
    response_latencies_s: tuple[float, ...]  # call-next sent -> HTTP answer read


class _Arrivals:
    """public_id -> arrival times, and a way to wait until all subscribers have one."""

    def __init__(self, subscribers: int) -> None:
        self.subscribers = subscribers
        self.times: dict[str, list[float]] = defaultdict(list)
        self._done: dict[str, asyncio.Event] = {}

    def done(self, public_id: str) -> asyncio.Event:
        event = self._done.get(public_id)
        if event is None:
            event = self._done[public_id] = asyncio.Event()
        return event

    def note(self, public_id: str, at: float) -> None:
        arrived = self.times[public_id]
        arrived.append(at)
        if len(arrived) == self.subscribers:
            self.done(public_id).set()


async def _subscriber(ws: ClientConnection, arrivals: _Arrivals) -> None:
    perf = time.perf_counter
    async for message in ws:
        at = perf()
        text = message if isinstance(message, str) else message.decode()
        if _CALLED not in text:
            continue
        start = text.index(_PUBLIC_ID) + len(_PUBLIC_ID)
        arrivals.note(text[start : text.index('"', start)], at)


async def _subscribe(url: str, token: str) -> ClientConnection:
    ws = await connect(url, compression=None, ping_interval=None, max_size=2**22, proxy=None)
    await ws.send(json.dumps({"type": "subscribe", "token": token, "last_seq": None}))
    first = await asyncio.wait_for(ws.recv(), timeout=10)
    if '"type":"snapshot"' not in first:
        raise BenchError(f"websocket answered {str(first)[:200]!r}; expected a snapshot first")
    return ws


async def run_calls(
    *,
    host: str,
    port: int,
    display_token: str,
    teller_token: str,
    counter: int,
    subscribers: int,
    calls: int,
    time_cap_s: float,
    event_timeout_s: float = 5.0,
) -> CallResult:
    """``calls`` call-next/no-show rounds (fewer at ``time_cap_s``) seen by ``subscribers``."""
    url = f"ws://{host}:{port}/api/v1/ws"
    sockets: list[ClientConnection] = []
    for _ in range(subscribers):  # one by one: 100 snapshots at once would only measure that
        sockets.append(await _subscribe(url, display_token))
    arrivals = _Arrivals(subscribers)
    readers = [asyncio.create_task(_subscriber(ws, arrivals)) for ws in sockets]
    teller = await HttpConnection(host, port).open()
    call_next = Request("POST", f"/api/v1/counters/{counter}/call-next", token=teller_token)
    no_show = Request("POST", f"/api/v1/counters/{counter}/no-show", token=teller_token)
    events: list[float] = []
    lasts: list[float] = []
    answers: list[float] = []
    try:
        start = time.perf_counter()
        deadline = start + time_cap_s
        for _ in range(calls):
            t0 = time.perf_counter()
            body = json.loads(await teller.expect(call_next))
            answers.append(time.perf_counter() - t0)
            if body.get("ticket") is None:
                raise BenchError(f"call-next answered no ticket: {body}; seed more tickets")
            public_id = body["ticket"]["public_id"]
            try:
                await asyncio.wait_for(arrivals.done(public_id).wait(), timeout=event_timeout_s)
            except TimeoutError:
                got = len(arrivals.times[public_id])
                raise BenchError(
                    f"ticket {body['ticket']['number']}: {got} of {subscribers} subscribers "
                    f"got its ticket.called event within {event_timeout_s} s; expected all"
                ) from None
            times = arrivals.times.pop(public_id)
            events.extend(at - t0 for at in times)
            lasts.append(max(times) - t0)
            await teller.expect(no_show)
            if time.perf_counter() > deadline:
                break
        wall = time.perf_counter() - start
    finally:
        await teller.close()
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return CallResult(subscribers, len(lasts), wall, tuple(events), tuple(lasts), tuple(answers))
