"""Call-to-event latency: N websocket subscribers, a teller calling next again and again.

Each subscriber is a bare protocol (``wsclient``) that notes, for each ``ticket.called``
event, the ticket's ``public_id`` and the time its bytes arrived. The teller sends call-next
(time t0), reads the answer (the called ticket), waits until every subscriber has that
ticket's event, then frees the counter with no-show and issues one new ticket (kiosk), so the
queue keeps the same length through the phase.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from dataclasses import dataclass

from loadclient import BenchError, HttpConnection, Request
from wsclient import Subscriber, subscribe

__all__ = ["CallResult", "run_calls"]

WS_PATH = "/api/v1/ws"


@dataclass(frozen=True)
class CallResult:
    subscribers: int
    calls: int
    wall_s: float
    event_latencies_s: tuple[float, ...]  # call-next sent -> event at one subscriber
    last_subscriber_s: tuple[float, ...]  # call-next sent -> event at the last subscriber
    spread_s: tuple[float, ...]  # event at the first subscriber -> event at the last one
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


async def run_calls(
    *,
    host: str,
    port: int,
    display_token: str,
    teller_token: str,
    kiosk_token: str,
    service_code: str,
    counter: int,
    subscribers: int,
    calls: int,
    time_cap_s: float,
    event_timeout_s: float = 5.0,
) -> CallResult:
    """``calls`` rounds of call-next, no-show, issue (fewer at ``time_cap_s``), seen by
    ``subscribers`` websocket clients."""
    arrivals = _Arrivals(subscribers)
    sockets: list[Subscriber] = []
    for _ in range(subscribers):  # one by one: 100 snapshots at once would only measure that
        sockets.append(await subscribe(host, port, WS_PATH, display_token, arrivals.note))
    teller = await HttpConnection(host, port).open()
    call_next = Request("POST", f"/api/v1/counters/{counter}/call-next", token=teller_token)
    no_show = Request("POST", f"/api/v1/counters/{counter}/no-show", token=teller_token)
    events: list[float] = []
    lasts: list[float] = []
    spreads: list[float] = []
    answers: list[float] = []
    try:
        start = time.perf_counter()
        deadline = start + time_cap_s
        for n in range(calls):
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
            spreads.append(max(times) - min(times))
            await teller.expect(no_show)
            key = f"bench-refill-{t0:.6f}-{n:06d}"
            await teller.expect(
                Request(
                    "POST",
                    "/api/v1/tickets",
                    json.dumps({"service_code": service_code, "idempotency_key": key}).encode(),
                    kiosk_token,
                    expect_status=201,
                )
            )
            if time.perf_counter() > deadline:
                break
        wall = time.perf_counter() - start
    finally:
        await teller.close()
        for ws in sockets:
            ws.close()
        await asyncio.wait_for(asyncio.gather(*(ws.closed for ws in sockets)), timeout=10)
    return CallResult(
        subscribers=subscribers,
        calls=len(lasts),
        wall_s=wall,
        event_latencies_s=tuple(events),
        last_subscriber_s=tuple(lasts),
        spread_s=tuple(spreads),
        response_latencies_s=tuple(answers),
    )
