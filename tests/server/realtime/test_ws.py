"""The websocket endpoint against a real uvicorn server and real websocket clients."""

from __future__ import annotations

import asyncio
import json
import threading

from websockets.asyncio.client import connect

from server.realtime.hub import EventHub
from tests.server.realtime.clients import close_code, receive, subscribe
from tests.server.realtime.factories import EXPLODING_TOKEN, FIRST_SEQ, health, snapshot
from tests.server.realtime.live import LiveServer, serve, wait_until


async def test_snapshot_on_connect_then_every_event_in_order(live: LiveServer) -> None:
    live.hub.publish(health(0))
    live.hub.publish(health(1))
    async with await subscribe(live.url) as ws:
        snap = await receive(ws)
        assert snap["type"] == "snapshot"
        assert snap["seq"] == FIRST_SEQ + 2
        assert snap["queues"][0]["prefix"] == "A"
        assert snap["queues"][0]["name"] == {"zh": "个人业务", "en": "Personal"}
        for n in range(2, 52):
            live.hub.publish(health(n))
        events = [await receive(ws) for _ in range(50)]
    assert [e["seq"] for e in events] == list(range(FIRST_SEQ + 3, FIRST_SEQ + 53))
    assert [e["device_id"] for e in events] == [f"printer-{n}" for n in range(2, 52)]
    assert {e["type"] for e in events} == {"device.health"}


async def test_reconnect_with_last_seq_gets_exactly_the_missed_events(live: LiveServer) -> None:
    async with await subscribe(live.url) as ws:
        assert (await receive(ws))["seq"] == FIRST_SEQ
        for n in range(3):
            live.hub.publish(health(n))
        seen = [await receive(ws) for _ in range(3)]
    last_seq = seen[-1]["seq"]
    assert last_seq == FIRST_SEQ + 3
    wait_until(lambda: live.hub.stats.clients == 0, what="the disconnected client to be removed")
    for n in range(3, 8):  # missed while away
        live.hub.publish(health(n))
    async with await subscribe(live.url, last_seq=last_seq) as ws:
        missed = [await receive(ws) for _ in range(5)]
        live.hub.publish(health(8))
        after = await receive(ws)
    assert [(e["type"], e["seq"]) for e in missed] == [
        ("device.health", FIRST_SEQ + s) for s in range(4, 9)
    ]
    assert [e["device_id"] for e in missed] == [f"printer-{n}" for n in range(3, 8)]
    assert (after["seq"], after["device_id"]) == (FIRST_SEQ + 9, "printer-8")


async def test_too_old_or_future_last_seq_gets_a_fresh_snapshot() -> None:
    with serve(EventHub(snapshot=snapshot, first_seq=FIRST_SEQ, replay_size=4)) as live:
        for n in range(10):
            live.hub.publish(health(n))
        for last_seq in (FIRST_SEQ + 2, FIRST_SEQ + 99):
            async with await subscribe(live.url, last_seq=last_seq) as ws:
                first = await receive(ws)
                assert (first["type"], first["seq"]) == ("snapshot", live.hub.last_seq)
                assert first["seq"] >= FIRST_SEQ + 10
                live.hub.publish(health(99))
                nxt = await receive(ws)
                assert (nxt["type"], nxt["seq"]) == ("device.health", first["seq"] + 1)


async def test_bad_or_missing_token_gets_unauthorized_then_close_4401(live: LiveServer) -> None:
    for token in ("wrong-token", "", None):
        async with await subscribe(live.url, token=token) as ws:
            error = await receive(ws)
            assert error["type"] == "error"
            assert error["code"] == "unauthorized"
            assert "expected a valid bearer token" in error["message"]["en"]
            assert error["message"]["zh"] == "令牌无效：需要用户或设备的有效令牌"
            assert await close_code(ws) == 4401
    assert live.hub.stats.clients == 0


async def test_a_failing_token_check_gets_server_error_then_close_1011(live: LiveServer) -> None:
    async with await subscribe(live.url, token=EXPLODING_TOKEN) as ws:
        error = await receive(ws)
        assert (error["type"], error["code"]) == ("error", "server_error")
        assert error["message"] == {
            "zh": "无法验证令牌，请稍后重试",
            "en": "could not check the token; retry later",
        }
        assert await close_code(ws) == 1011
    assert live.hub.stats.clients == 0


async def test_malformed_first_message_gets_bad_message_then_close_4400(
    live: LiveServer,
) -> None:
    for raw in ("not json", json.dumps({"type": "hello", "token": "x"}), "[1, 2]"):
        async with connect(live.url, compression=None) as ws:
            await ws.send(raw)
            error = await receive(ws)
            assert (error["type"], error["code"]) == ("error", "bad_message")
            assert 'expected {"type": "subscribe"' in error["message"]["en"]
            assert error["message"]["zh"].startswith("订阅消息格式不正确")
            assert "Traceback" not in str(error["message"])
            assert await close_code(ws) == 4400


async def test_a_client_that_says_nothing_gets_bad_message_then_close_4400() -> None:
    with serve(EventHub(snapshot=snapshot, first_seq=FIRST_SEQ), subscribe_timeout_s=0.5) as live:
        async with connect(live.url, compression=None) as ws:
            error = await receive(ws)
            assert error["code"] == "bad_message"
            assert error["message"]["en"].startswith("received nothing within 0.5 s")
            assert error["message"]["zh"] == "0.5 秒内未收到订阅消息"
            assert await close_code(ws) == 4400


async def test_a_slow_client_does_not_delay_a_fast_one_and_later_gets_a_snapshot(
    live: LiveServer,
) -> None:
    slow = await subscribe(live.url, slow=True)
    fast = await subscribe(live.url)
    async with slow, fast:
        assert (await receive(slow))["type"] == "snapshot"
        assert (await receive(fast))["type"] == "snapshot"
        fast_seen: list[int] = []
        published = 0
        async with asyncio.timeout(60):
            while live.hub.stats.lagged_total == 0:  # until the slow client overflows
                for _ in range(100):
                    live.hub.publish(health(published, detail_size=4000))
                    published += 1
                while len(fast_seen) < published:
                    fast_seen.append((await receive(fast))["seq"])
        # the fast client got every event, in order, while the slow one read nothing
        assert fast_seen == list(range(FIRST_SEQ + 1, FIRST_SEQ + 1 + published))
        # the slow client now reads: what was already on its way, then a snapshot
        slow_seen: list[dict[str, object]] = []
        while not slow_seen or slow_seen[-1]["type"] != "snapshot":
            slow_seen.append(await receive(slow))
        before = [e["seq"] for e in slow_seen[:-1]]
        assert before == list(range(FIRST_SEQ + 1, FIRST_SEQ + 1 + len(before)))
        assert len(before) < published
        assert slow_seen[-1]["seq"] == FIRST_SEQ + published
        live.hub.publish(health(-1))
        assert (await receive(slow))["seq"] == FIRST_SEQ + published + 1
        assert (await receive(fast))["seq"] == FIRST_SEQ + published + 1
    assert live.hub.stats.lagged_total == 1


async def test_events_published_from_threads_and_on_the_loop_all_arrive_in_order(
    live: LiveServer,
) -> None:
    a = await subscribe(live.url)
    b = await subscribe(live.url)
    async with a, b:
        await receive(a)
        await receive(b)

        # 200 events in all: under the 256 a client queue holds, even if they all land in
        # the loop's queue before its sender runs once (a bigger burst means "lagging")
        def publish_many(first: int) -> None:
            for n in range(first, first + 60):
                live.hub.publish(health(n))

        threads = [threading.Thread(target=publish_many, args=(t * 1000,)) for t in range(3)]
        for thread in threads:
            thread.start()
        for n in range(20):  # on the server's own loop, as an async endpoint would
            live.loop.call_soon_threadsafe(live.hub.publish, health(5000 + n))
        for thread in threads:
            thread.join(timeout=30)
        got_a = [await receive(a) for _ in range(200)]
        got_b = [await receive(b) for _ in range(200)]
    assert live.hub.stats.lagged_total == 0
    assert [e["seq"] for e in got_a] == list(range(FIRST_SEQ + 1, FIRST_SEQ + 201))
    assert got_a == got_b
    numbers = [int(e["device_id"].removeprefix("printer-")) for e in got_a]
    for base in (0, 1000, 2000):
        assert [n for n in numbers if base <= n < base + 1000] == list(range(base, base + 60))
    assert [n for n in numbers if n >= 5000] == list(range(5000, 5020))


async def test_one_hundred_clients_all_receive_an_event(live: LiveServer) -> None:
    clients = await asyncio.gather(*(subscribe(live.url) for _ in range(100)))
    try:
        snaps = await asyncio.gather(*(receive(ws) for ws in clients))
        refused = [s for s in snaps if s["type"] != "snapshot"]
        assert not refused, f"{len(refused)} clients refused, e.g. {refused[0]}"
        assert {(s["type"], s["seq"]) for s in snaps} == {("snapshot", FIRST_SEQ)}
        assert live.hub.stats.clients == 100
        live.hub.publish(health(7))
        events = await asyncio.gather(*(receive(ws) for ws in clients))
        assert {(e["seq"], e["device_id"]) for e in events} == {(FIRST_SEQ + 1, "printer-7")}
    finally:
        await asyncio.gather(*(ws.close() for ws in clients))
    wait_until(lambda: live.hub.stats.clients == 0, what="100 clients to be removed")


async def test_closing_the_hub_closes_clients_with_1012_and_refuses_new_ones(
    live: LiveServer,
) -> None:
    async with await subscribe(live.url) as ws:
        await receive(ws)
        closing = asyncio.run_coroutine_threadsafe(live.hub.close(timeout_s=10), live.loop)
        assert await close_code(ws) == 1012
        await asyncio.wrap_future(closing)
    async with await subscribe(live.url) as ws:
        assert await close_code(ws) == 1012
