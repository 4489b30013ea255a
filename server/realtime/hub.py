"""The event hub: numbers every event, keeps a replay buffer and fans events out to clients.

How it works
------------
``publish(event)`` may be called from any thread (FastAPI sync endpoints run in a threadpool)
or from the event loop. Under one lock it assigns the next ``seq``, serializes the event to
JSON once, appends it to the replay ring buffer and, when clients are subscribed, to a pending
list. The pending list is drained on the event loop (at once when ``publish`` runs on the loop,
else through ``loop.call_soon_threadsafe``), in ``seq`` order, into every client's bounded
``asyncio.Queue``. ``publish`` never waits for a client.

A client whose queue is full is *lagging*: its queue is emptied, it receives no more events
and its sender is told (``Signal.LAGGED``) to ask ``resync()`` for a fresh snapshot.

``subscribe()`` and ``resync()`` call the ``snapshot`` callable under the same lock as
``publish``, so the snapshot's ``seq`` is exactly the last event published before it. They may
do database work: call them from a worker thread, not on the event loop. Services must publish
an event *after* committing its change, so that a snapshot never misses a published event.

Sequence numbers start at a value taken from the clock (microseconds since the epoch, below
2**53 so JavaScript clients read it exactly). A ``last_seq`` kept by a client from an earlier
server run is therefore never mistaken for one of this run: it is too old (snapshot) rather
than replayed from the wrong history.

Exceptions: ``RealtimeError`` is the base of this package's errors; ``HubClosedError`` is
raised by ``subscribe()`` once ``close()`` has begun.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from server.contract.events import Event, Snapshot

__all__ = [
    "EventHub",
    "HubClosedError",
    "HubStats",
    "RealtimeError",
    "Signal",
    "Subscription",
]


class RealtimeError(Exception):
    """Base of every error raised by server.realtime."""


class HubClosedError(RealtimeError):
    """The hub is shutting down and accepts no new subscriber."""


class Signal(enum.Enum):
    """Control items put in a client's queue next to event texts."""

    LAGGED = "lagged"  # the queue overflowed: send a fresh snapshot, then continue
    CLOSED = "closed"  # the hub is closing: close the connection


QueueItem = str | Signal


class Subscription:
    """One subscribed client: its bounded queue and where its stream stands.

    ``initial`` holds the JSON texts to send first (one snapshot, or the replayed events).
    Only the hub mutates the other fields.
    """

    __slots__ = ("after_seq", "initial", "lagging", "queue")

    def __init__(self, *, queue_size: int, after_seq: int, initial: list[str]) -> None:
        self.queue: asyncio.Queue[QueueItem] = asyncio.Queue(maxsize=queue_size)
        self.after_seq = after_seq  # events with seq <= after_seq are already covered
        self.initial = initial
        self.lagging = False


@dataclass(frozen=True)
class HubStats:
    clients: int
    last_seq: int
    replay_buffered: int  # events held for replay
    lagged_total: int  # times a client overflowed its queue and was resynchronized


def _clock_first_seq() -> int:
    return time.time_ns() // 1000


class EventHub:
    """Numbers events, keeps the last ``replay_size`` of them, fans them out to clients."""

    def __init__(
        self,
        *,
        snapshot: Callable[[], Snapshot],
        replay_size: int = 2048,
        client_queue_size: int = 256,
        first_seq: int | None = None,
        snapshot_reuse_s: float = 1.0,
    ) -> None:
        if replay_size < 1:
            raise ValueError(f"replay_size must be >= 1; received {replay_size}")
        if client_queue_size < 1:
            raise ValueError(f"client_queue_size must be >= 1; received {client_queue_size}")
        self._snapshot = snapshot
        self._client_queue_size = client_queue_size
        self._lock = threading.Lock()
        self._seq = _clock_first_seq() if first_seq is None else first_seq
        self._ring: deque[tuple[int, str]] = deque(maxlen=replay_size)
        self._pending: list[tuple[int, str]] = []
        self._drain_scheduled = False
        self._clients: set[Subscription] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._lagged_total = 0
        self._all_gone: asyncio.Event | None = None
        self._snapshot_reuse_s = snapshot_reuse_s
        self._snapshot_cache: tuple[int, float, str] | None = None  # (seq, taken at, text)

    # ---- publishing (any thread) ---------------------------------------------------------

    @property
    def last_seq(self) -> int:
        """The seq of the last published event (the first seq minus one before any)."""
        with self._lock:
            return self._seq

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver to clients on ``loop`` (the server's event loop; call it in the lifespan)."""
        with self._lock:
            self._loop = loop

    def publish(self, event: Event) -> Event:
        """Number ``event``, keep it for replay and queue it for every client; never blocks."""
        drain_now = False
        with self._lock:
            self._seq += 1
            seq = self._seq
            numbered = event.model_copy(update={"seq": seq})
            text = numbered.model_dump_json()
            self._ring.append((seq, text))
            loop = self._loop
            if not self._clients or loop is None:
                return numbered
            self._pending.append((seq, text))
            if _running_loop() is loop:
                drain_now = True
            elif not self._drain_scheduled:
                self._drain_scheduled = True
                try:
                    loop.call_soon_threadsafe(self._drain)
                except RuntimeError:  # the loop is closed: nobody is left to deliver to
                    self._pending.clear()
                    self._drain_scheduled = False
        if drain_now:
            self._drain()
        return numbered

    # ---- subscribers (worker thread for subscribe/resync, loop for the rest) ---------------

    def subscribe(self, last_seq: int | None) -> Subscription:
        """Register a client. Replays the events after ``last_seq`` when they are all still
        buffered, else starts with a fresh snapshot. Calls ``snapshot()``: run it off-loop."""
        with self._lock:
            if self._closed:
                raise HubClosedError("the event hub is closing; expected a running server")
            initial = self._replay_after(last_seq)
            if initial is None:
                initial = [self._snapshot_text()]
            sub = Subscription(
                queue_size=self._client_queue_size, after_seq=self._seq, initial=initial
            )
            self._clients.add(sub)
            return sub

    def resync(self, sub: Subscription) -> str:
        """A fresh snapshot for a lagging client; events after it will be queued again."""
        with self._lock:
            text = self._snapshot_text()
            sub.after_seq = self._seq
            sub.lagging = False
            return text

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._clients.discard(sub)
            empty = not self._clients
        if empty and self._all_gone is not None:
            self._all_gone.set()

    @property
    def stats(self) -> HubStats:
        with self._lock:
            return HubStats(
                clients=len(self._clients),
                last_seq=self._seq,
                replay_buffered=len(self._ring),
                lagged_total=self._lagged_total,
            )

    async def close(self, *, timeout_s: float = 5.0) -> None:
        """Refuse new subscribers, tell every client to close, wait up to ``timeout_s`` for
        their connections to end. Call it on the loop the hub is bound to."""
        with self._lock:
            self._closed = True
            clients = list(self._clients)
            self._all_gone = asyncio.Event()
            if not clients:
                self._all_gone.set()
        for sub in clients:
            _replace_queue_contents(sub.queue, Signal.CLOSED)
        # On timeout the server's own shutdown closes whatever connection is left.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._all_gone.wait(), timeout=timeout_s)

    # ---- internals ------------------------------------------------------------------------

    def _replay_after(self, last_seq: int | None) -> list[str] | None:
        """Texts of the events after ``last_seq``, or None when they are not all buffered."""
        if last_seq is None or last_seq > self._seq:
            return None
        if last_seq == self._seq:
            return []
        if not self._ring or self._ring[0][0] > last_seq + 1:
            return None
        start = last_seq + 1 - self._ring[0][0]
        return [text for _, text in itertools.islice(self._ring, start, None)]

    def _snapshot_text(self) -> str:
        """The snapshot at the current seq. One taken at the same seq less than
        ``snapshot_reuse_s`` ago is reused, so clients connecting or resynchronizing together
        (after a burst, or when the displays all reconnect) cost one query, not one each."""
        now = time.monotonic()
        cached = self._snapshot_cache
        if (
            cached is not None
            and cached[0] == self._seq
            and now - cached[1] < self._snapshot_reuse_s
        ):
            return cached[2]
        snap = self._snapshot()
        text = snap.model_copy(update={"seq": self._seq}).model_dump_json()
        self._snapshot_cache = (self._seq, now, text)
        return text

    def _drain(self) -> None:
        """Move pending events into the clients' queues, in seq order (on the loop)."""
        with self._lock:
            batch = self._pending
            self._pending = []
            self._drain_scheduled = False
            clients = () if self._closed else tuple(self._clients)
        lagged = 0
        for seq, text in batch:
            for sub in clients:
                if sub.lagging or seq <= sub.after_seq:
                    continue
                try:
                    sub.queue.put_nowait(text)
                except asyncio.QueueFull:
                    sub.lagging = True
                    _replace_queue_contents(sub.queue, Signal.LAGGED)
                    lagged += 1
        if lagged:
            with self._lock:
                self._lagged_total += lagged


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _replace_queue_contents(queue: asyncio.Queue[QueueItem], item: QueueItem) -> None:
    while not queue.empty():
        queue.get_nowait()
    queue.put_nowait(item)
