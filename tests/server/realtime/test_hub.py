"""EventHub in-process: numbering, replay, lag handling, threads, close (no network)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from server.contract.events import DeviceHealthChanged, Snapshot
from server.realtime.hub import EventHub, HubClosedError, Signal, Subscription
from tests.server.realtime.factories import FIRST_SEQ, decode, health, snapshot


def make_hub(**kwargs: int) -> EventHub:
    return EventHub(snapshot=snapshot, first_seq=FIRST_SEQ, **kwargs)


def drain_queue(sub: Subscription) -> list[Any]:
    items: list[Any] = []
    while not sub.queue.empty():
        item = sub.queue.get_nowait()
        items.append(item if isinstance(item, Signal) else decode(item))
    return items


def test_publish_numbers_events_consecutively_and_returns_the_numbered_copy() -> None:
    hub = make_hub()
    assert hub.last_seq == FIRST_SEQ
    returned = [hub.publish(health(n)) for n in range(3)]
    published = [e for e in returned if isinstance(e, DeviceHealthChanged)]
    assert len(published) == 3
    assert [e.seq for e in published] == [FIRST_SEQ + 1, FIRST_SEQ + 2, FIRST_SEQ + 3]
    assert [e.device_id for e in published] == ["printer-0", "printer-1", "printer-2"]
    assert hub.last_seq == FIRST_SEQ + 3
    assert hub.stats.replay_buffered == 3
    assert hub.stats.clients == 0


async def test_subscribe_gives_a_snapshot_then_queues_later_events_in_order() -> None:
    hub = make_hub()
    hub.bind_loop(asyncio.get_running_loop())
    hub.publish(health(0))
    sub = hub.subscribe(None)
    [snap] = [decode(t) for t in sub.initial]
    assert snap["type"] == "snapshot"
    assert snap["seq"] == FIRST_SEQ + 1
    assert snap["queues"][0]["name"] == {"zh": "个人业务", "en": "Personal"}
    hub.publish(health(1))
    hub.publish(health(2))
    items = drain_queue(sub)
    assert [(i["seq"], i["device_id"]) for i in items] == [
        (FIRST_SEQ + 2, "printer-1"),
        (FIRST_SEQ + 3, "printer-2"),
    ]


async def test_replay_after_last_seq_or_snapshot_when_not_buffered() -> None:
    hub = make_hub(replay_size=4)
    hub.bind_loop(asyncio.get_running_loop())
    for n in range(6):  # seqs 1001..1006; the buffer keeps 1003..1006
        hub.publish(health(n))
    replay = [decode(t) for t in hub.subscribe(FIRST_SEQ + 3).initial]
    assert [e["seq"] for e in replay] == [FIRST_SEQ + 4, FIRST_SEQ + 5, FIRST_SEQ + 6]
    assert [e["device_id"] for e in replay] == ["printer-3", "printer-4", "printer-5"]
    oldest = [decode(t)["seq"] for t in hub.subscribe(FIRST_SEQ + 2).initial]
    assert oldest == [FIRST_SEQ + 3, FIRST_SEQ + 4, FIRST_SEQ + 5, FIRST_SEQ + 6]
    assert hub.subscribe(FIRST_SEQ + 6).initial == []  # up to date: nothing to send
    for too_old_or_future in (FIRST_SEQ + 1, 0, -5, FIRST_SEQ + 7, None):
        [only] = [decode(t) for t in hub.subscribe(too_old_or_future).initial]
        assert (only["type"], only["seq"]) == ("snapshot", FIRST_SEQ + 6), too_old_or_future


async def test_a_full_queue_marks_the_client_lagging_until_it_resyncs() -> None:
    hub = make_hub(client_queue_size=2)
    hub.bind_loop(asyncio.get_running_loop())
    slow = hub.subscribe(None)
    fast = hub.subscribe(None)
    hub.publish(health(0))
    hub.publish(health(1))
    assert [i["seq"] for i in drain_queue(fast)] == [FIRST_SEQ + 1, FIRST_SEQ + 2]
    hub.publish(health(2))  # overflows slow's queue
    hub.publish(health(3))  # dropped for slow: a snapshot will cover it
    assert drain_queue(slow) == [Signal.LAGGED]
    assert hub.stats.lagged_total == 1
    assert [i["seq"] for i in drain_queue(fast)] == [FIRST_SEQ + 3, FIRST_SEQ + 4]
    snap = decode(hub.resync(slow))
    assert (snap["type"], snap["seq"]) == ("snapshot", FIRST_SEQ + 4)
    hub.publish(health(4))
    assert [i["device_id"] for i in drain_queue(slow)] == ["printer-4"]


async def test_publish_from_threads_is_delivered_once_in_seq_order() -> None:
    hub = make_hub(client_queue_size=10_000)
    hub.bind_loop(asyncio.get_running_loop())
    sub = hub.subscribe(None)
    per_thread = 200
    threads = [
        threading.Thread(
            target=lambda t=t: [hub.publish(health(t * 1000 + i)) for i in range(per_thread)]
        )
        for t in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    received: list[dict[str, object]] = []
    async with asyncio.timeout(10):
        while len(received) < 4 * per_thread:
            item = await sub.queue.get()
            assert isinstance(item, str)
            received.append(decode(item))
    assert [e["seq"] for e in received] == list(range(FIRST_SEQ + 1, FIRST_SEQ + 801))
    for t in range(4):  # each thread's own events keep their order
        numbers = [int(str(e["device_id"]).removeprefix("printer-")) for e in received]
        assert [n for n in numbers if n // 1000 == t] == [t * 1000 + i for i in range(per_thread)]


async def test_close_signals_clients_and_refuses_new_ones() -> None:
    hub = make_hub()
    hub.bind_loop(asyncio.get_running_loop())
    sub = hub.subscribe(None)
    hub.publish(health(0))
    closing = asyncio.create_task(hub.close(timeout_s=10))
    async with asyncio.timeout(10):
        while (item := await sub.queue.get()) is not Signal.CLOSED:
            assert isinstance(item, str)
    assert sub.queue.empty()
    hub.unsubscribe(sub)
    await closing
    with pytest.raises(HubClosedError, match="closing"):
        hub.subscribe(None)
    assert hub.publish(health(1)).seq == FIRST_SEQ + 2  # still numbered, nobody to send to


def test_first_seq_comes_from_the_clock_so_a_new_run_never_replays_an_old_history(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("time.time_ns", lambda: 1_772_443_800_000_000_000)
    first_run = EventHub(snapshot=snapshot)
    assert first_run.last_seq == 1_772_443_800_000_000
    for n in range(5):
        first_run.publish(health(n))
    monkeypatch.setattr("time.time_ns", lambda: 1_772_443_860_000_000_000)  # a minute later
    second_run = EventHub(snapshot=snapshot)
    for n in range(10):
        second_run.publish(health(n))
    [snap] = [decode(t) for t in second_run.subscribe(first_run.last_seq).initial]
    assert (snap["type"], snap["seq"]) == ("snapshot", second_run.last_seq)
    assert second_run.last_seq < 2**53


def test_bad_sizes_are_refused_with_the_value_received() -> None:
    with pytest.raises(ValueError, match="replay_size must be >= 1; received 0"):
        EventHub(snapshot=snapshot, replay_size=0)
    with pytest.raises(ValueError, match="client_queue_size must be >= 1; received -1"):
        EventHub(snapshot=snapshot, client_queue_size=-1)


def test_clients_subscribing_at_the_same_seq_share_one_recent_snapshot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [500.0]
    monkeypatch.setattr("time.monotonic", lambda: now[0])
    taken: list[int] = []

    def counting_snapshot() -> Snapshot:
        taken.append(1)
        return snapshot()

    hub = EventHub(snapshot=counting_snapshot, first_seq=FIRST_SEQ, snapshot_reuse_s=1.0)
    texts = [hub.subscribe(None).initial[0] for _ in range(50)]
    assert len(taken) == 1
    assert len(set(texts)) == 1
    hub.publish(health(0))  # the state moved on: a new snapshot
    assert decode(hub.subscribe(None).initial[0])["seq"] == FIRST_SEQ + 1
    assert len(taken) == 2
    now[0] += 1.5  # same seq but too old to reuse (estimates drift with time)
    assert decode(hub.subscribe(None).initial[0])["seq"] == FIRST_SEQ + 1
    assert len(taken) == 3
