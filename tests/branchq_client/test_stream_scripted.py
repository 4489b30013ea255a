"""The event stream against a scripted websocket server on a loopback port: numbering gaps,
duplicates and the server's close codes decide what the stream subscribes with next."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from websockets.asyncio.server import ServerConnection, serve

from branchq_client import ClientConfigError, EventStream, ws_url
from server.contract.common import Bilingual, CounterState
from server.contract.events import (
    CounterChanged,
    CounterInfo,
    ServerMessage,
    Snapshot,
    Subscribe,
)

AT = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


def snapshot(seq: int) -> str:
    return Snapshot(seq=seq, at=AT, queues=[], counters=[], recent_calls=[]).model_dump_json()


def event(seq: int) -> str:
    counter = CounterInfo(
        counter_number=1, name=Bilingual(zh="1号窗口", en="Counter 1"), state=CounterState.OPEN
    )
    return CounterChanged(seq=seq, at=AT, counter=counter).model_dump_json()


Script = Callable[[ServerConnection, int], Awaitable[None]]


async def run_link(
    script: Script, until: Callable[[list[int], list[int | None]], bool]
) -> tuple[list[int], list[int | None]]:
    """Serve ``script`` (connection, index) and run a link until ``until(seqs, subscribes)``."""
    subscribes: list[int | None] = []
    seqs: list[int] = []

    async def handler(ws: ServerConnection) -> None:
        subscribes.append(Subscribe.model_validate_json(await ws.recv()).last_seq)
        await script(ws, len(subscribes))

    def on_message(message: ServerMessage) -> None:
        seqs.append(message.seq)  # type: ignore[union-attr]

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        stream = EventStream(f"http://127.0.0.1:{port}", "token", on_message, min_backoff_s=0.01)
        task = asyncio.create_task(stream.run())
        deadline = time.monotonic() + 10
        try:
            while not until(seqs, subscribes):
                assert time.monotonic() < deadline, f"stuck: seqs {seqs}, subscribes {subscribes}"
                await asyncio.sleep(0.01)
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    return seqs, subscribes


async def test_a_gap_resubscribes_with_the_last_seq_and_duplicates_are_skipped() -> None:
    async def script(ws: ServerConnection, n: int) -> None:
        sends = [snapshot(5), event(6), event(8)] if n == 1 else [event(6), event(7), event(8)]
        for text in sends:
            await ws.send(text)
        await ws.wait_closed()

    seqs, subscribes = await run_link(script, lambda seqs, _: seqs[-1:] == [8])
    assert subscribes == [None, 6]  # the gap 6 -> 8 made it ask again from 6
    assert seqs == [5, 6, 7, 8]  # 6 replayed twice is applied once; the early 8 never


@pytest.mark.parametrize(("code", "expected"), [(1012, None), (1001, 6)])
async def test_after_a_close_the_link_resubscribes(code: int, expected: int | None) -> None:
    async def script(ws: ServerConnection, n: int) -> None:
        if n == 1:
            await ws.send(snapshot(5))
            await ws.send(event(6))
            await ws.close(code, "bye")
        else:
            await ws.send(snapshot(2))
            await ws.wait_closed()

    seqs, subscribes = await run_link(script, lambda _, subs: len(subs) == 2 and len(_) == 3)
    # 1012: the server restarted and numbers anew, so ask for a snapshot; else resume after 6
    assert subscribes == [None, expected]
    assert seqs == [5, 6, 2]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8000", "ws://127.0.0.1:8000/api/v1/ws"),
        ("https://branch.example/", "wss://branch.example/api/v1/ws"),
    ],
)
def test_ws_url(url: str, expected: str) -> None:
    assert ws_url(url) == expected


def test_ws_url_refuses_other_schemes() -> None:
    with pytest.raises(ClientConfigError, match=r"'ftp://x'.*expected http://HOST:PORT"):
        ws_url("ftp://x")
