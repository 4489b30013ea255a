"""EventStream against the real server: snapshot then events, a snapshot again after the
server restarted, and a resync through the server's replay when an event went missing."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve

from branchq_client import BranchApi, EventStream, ws_url
from server.contract.common import Role
from server.contract.events import ServerMessage, Snapshot, TicketIssued
from server.contract.rest import TicketCreate
from tests.e2e.live import LiveBranch


async def until(condition: Callable[[], object], what: str, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def running(stream: EventStream) -> AsyncIterator[EventStream]:
    task = asyncio.create_task(stream.run())
    try:
        yield stream
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def issue(branch: LiveBranch, count: int) -> list[str]:
    async with BranchApi(branch.url, token=branch.device_token("kiosk-1", Role.KIOSK)) as api:
        return [
            (await api.issue_ticket(TicketCreate(service_code="A"))).number for _ in range(count)
        ]


def issued(messages: list[ServerMessage]) -> list[str]:
    return [m.ticket.number for m in messages if isinstance(m, TicketIssued)]


async def test_snapshot_then_events_and_a_snapshot_after_a_server_restart(
    branch: LiveBranch,
) -> None:
    got: list[ServerMessage] = []
    states: list[bool] = []
    token = branch.device_token("display-1", Role.DISPLAY)
    stream = EventStream(branch.url, token, got.append, min_backoff_s=0.05, max_backoff_s=0.2)
    stream.on_state = states.append
    async with running(stream):
        await until(lambda: stream.connected, "the first subscription")
        assert isinstance(got[0], Snapshot)
        assert await issue(branch, 2) == ["A001", "A002"]
        await until(lambda: issued(got) == ["A001", "A002"], "two ticket events")

        await asyncio.to_thread(branch.stop)
        await until(lambda: not stream.connected, "the stream to notice the server is gone")
        await asyncio.to_thread(branch.start)
        await until(lambda: stream.connections == 2, "the stream to subscribe again")

        after = got[-1]
        assert isinstance(after, Snapshot)  # the restarted server numbers anew: a snapshot
        queue_a = next(q for q in after.queues if q.service_code == "A")
        assert queue_a.waiting == 2  # nothing lost over the restart
        assert await issue(branch, 1) == ["A003"]
        await until(lambda: issued(got) == ["A001", "A002", "A003"], "the event after restart")
        assert states == [True, False, True]
    assert states == [True, False, True, False]  # stopping the stream reports it too


async def test_a_missed_event_is_replayed_once_after_a_resync(branch: LiveBranch) -> None:
    """A relay between the stream and the server drops one event of the first connection."""
    upstream = ws_url(branch.url)
    connections = 0

    async def relay(client: ServerConnection) -> None:
        nonlocal connections
        connections += 1
        drop_at = 3 if connections == 1 else None  # snapshot, A001, [A002 dropped], A003...
        async with connect(upstream) as server:

            async def up() -> None:
                async for raw in client:
                    await server.send(raw)

            async def down() -> None:
                count = 0
                async for raw in server:
                    count += 1
                    if count != drop_at:
                        await client.send(raw)

            tasks = [asyncio.create_task(up()), asyncio.create_task(down())]
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in tasks:
                task.cancel()

    got: list[ServerMessage] = []
    token = branch.device_token("display-1", Role.DISPLAY)
    async with serve(relay, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        stream = EventStream(f"http://127.0.0.1:{port}", token, got.append, min_backoff_s=0.05)
        async with running(stream):
            await until(lambda: stream.connected, "the first subscription")
            assert await issue(branch, 3) == ["A001", "A002", "A003"]
            await until(lambda: issued(got) == ["A001", "A002", "A003"], "all three tickets")
            assert await issue(branch, 1) == ["A004"]
            await until(lambda: issued(got)[-1:] == ["A004"], "the fourth ticket")
    assert stream.resyncs == 1 and connections == 2
    assert issued(got) == ["A001", "A002", "A003", "A004"]  # each once, in order
    assert [type(m) for m in got].count(Snapshot) == 1  # replayed, not a new snapshot
    seqs = [m.seq for m in got if not isinstance(m, Snapshot)]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))


async def test_a_refused_token_is_reported_and_a_new_token_subscribes_at_once(
    branch: LiveBranch,
) -> None:
    refused: list[str] = []
    token = branch.device_token("display-1", Role.DISPLAY)
    stream = EventStream(branch.url, "not-a-token", lambda _m: None, max_backoff_s=30)
    stream.on_refused = lambda error: refused.append(error.code)
    async with running(stream):
        await until(lambda: refused == ["unauthorized"], "the refusal")
        started = time.monotonic()
        stream.set_token(token)
        await until(lambda: stream.connected, "the subscription with the new token")
        assert time.monotonic() - started < 5  # not after the 30 s backoff
