"""``ClientBridge``: one asyncio loop in a QThread for a Qt app, its results as Qt signals.

    bridge = ClientBridge()
    bridge.message_received.connect(view_model.apply)       # a parsed ServerMessage
    bridge.connection_changed.connect(view_model.set_online)
    bridge.start_stream(server_url, token)
    bridge.call(lambda: api.counter_action(3, "call-next", idempotency_key=key),
                on_result=view_model.called, on_error=view_model.failed)
    ...
    bridge.stop()

The GUI thread never waits on the network: ``call`` schedules the coroutine on the bridge's
loop and returns at once; ``on_result`` / ``on_error`` run later on the thread that owns the
bridge (the GUI thread). Everything async (a ``BranchApi``, the ``EventStream``) lives on the
bridge's loop, so one ``BranchApi`` can serve every call.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from PyQt6.QtCore import QCoreApplication, QObject, QThread, QTimer, pyqtSignal, pyqtSlot

from branchq_client.errors import StreamRefused
from branchq_client.stream import EventStream
from server.contract.auth import Heartbeat
from server.contract.events import ServerMessage

log = logging.getLogger("branchq.client.qt")


def quit_on_signals(app: QCoreApplication) -> QTimer:
    """Let SIGINT (Ctrl-C) and SIGTERM end ``app``'s event loop cleanly.

    SIGINT is handled explicitly because a job started in the background by a script ignores
    it by default, and Python's own handler would raise KeyboardInterrupt inside a Qt slot
    (PyQt aborts the process). Qt's loop runs C++, so the returned timer wakes Python now and
    then to see the signal: keep a reference to it while the loop runs.
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(200)
    return wake


class _LoopThread(QThread):
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.setObjectName("branchq-client-loop")

    def run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            pending = asyncio.all_tasks(self.loop)
            for task in pending:
                task.cancel()
            if pending:
                self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()


class ClientBridge(QObject):
    """Runs the app's network on one asyncio loop in a QThread (started at construction)."""

    message_received = pyqtSignal(object)  # a ServerMessage, in the order the stream got them
    connection_changed = pyqtSignal(bool)  # the event stream is subscribed (True) or not
    stream_refused = pyqtSignal(object)  # StreamRefused: the token was refused (sign in again)
    _deliver = pyqtSignal(object)  # (callback, value) from the loop thread to the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loop = asyncio.new_event_loop()
        self._thread = _LoopThread(self.loop)
        self._deliver.connect(self._on_deliver)
        self._stream: EventStream | None = None
        self._stream_task: asyncio.Task[None] | None = None
        self._stopped = False
        self._thread.start()

    @property
    def stream(self) -> EventStream | None:
        return self._stream

    @property
    def connected(self) -> bool:
        return self._stream is not None and self._stream.connected

    # --- the event stream -----------------------------------------------------------------
    def start_stream(self, server_url: str, token: str, **options: Any) -> None:
        """Subscribe to the server's events (``options``: EventStream's backoff settings)."""
        if self._stream is not None:
            self.set_token(token)
            return
        stream = EventStream(server_url, token, self.message_received.emit, **options)
        stream.on_state = self.connection_changed.emit
        stream.on_refused = self.stream_refused.emit
        self._stream = stream

        def start() -> None:
            self._stream_task = self.loop.create_task(stream.run(), name="event-stream")

        self.loop.call_soon_threadsafe(start)

    def set_token(self, token: str) -> None:
        """A new token for the stream (after signing in again); it reconnects at once."""
        stream = self._stream
        if stream is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(stream.set_token, token)

    # --- calls ----------------------------------------------------------------------------
    def call(
        self,
        async_fn: Callable[[], Awaitable[Any]],
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> concurrent.futures.Future[Any]:
        """Run ``async_fn()`` on the loop; deliver its result or exception on this thread.

        After ``stop()`` nothing runs: the returned future is cancelled.
        """
        if self._stopped or self.loop.is_closed():
            gone: concurrent.futures.Future[Any] = concurrent.futures.Future()
            gone.cancel()
            return gone

        async def run() -> Any:
            return await async_fn()

        future = asyncio.run_coroutine_threadsafe(run(), self.loop)

        def done(f: concurrent.futures.Future[Any]) -> None:
            if f.cancelled() or self._stopped:
                return
            error = f.exception()
            if error is not None:
                if on_error is not None:
                    self._deliver.emit((on_error, error))
                else:
                    log.error("call failed with no error handler: %r", error)
            elif on_result is not None:
                self._deliver.emit((on_result, f.result()))

        future.add_done_callback(done)
        return future

    @pyqtSlot(object)
    def _on_deliver(self, item: tuple[Callable[[Any], None], Any]) -> None:
        callback, value = item
        callback(value)

    # --- stopping -------------------------------------------------------------------------
    def stop(self, timeout_s: float = 5.0) -> None:
        """Cancel the stream and every pending call, stop the loop and its thread."""
        if self._stopped:
            return
        self._stopped = True
        if not self.loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop already stopped
                self.loop.call_soon_threadsafe(self.loop.stop)
        if asyncio._get_running_loop() is not self.loop:  # not called from the loop itself
            self._thread.wait(int(timeout_s * 1000))

    def run_sync(self, coro: Awaitable[Any], timeout_s: float = 5.0) -> Any:
        """For tests and shutdown only: run ``coro`` on the loop and wait for it."""

        async def run() -> Any:
            return await coro

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(timeout_s)


class Heartbeats(QObject):
    """A device's heartbeats: ``beat()`` sent through ``bridge`` at once on ``start`` and then
    every ``interval_s`` seconds, each saying when the next is due, so the device list shows the
    device alive (one that never beats stays UNKNOWN) and, three intervals after the last, not.
    A lost beat is logged, not retried: the next one is due soon."""

    def __init__(
        self,
        bridge: ClientBridge,
        send: Callable[[Heartbeat], Awaitable[object]],
        beat: Callable[[], Heartbeat],
        *,
        interval_s: int = 30,
    ) -> None:
        super().__init__()
        self._bridge, self._send, self._beat = bridge, send, beat
        self.interval_s = interval_s
        self._timer = QTimer(self)
        self._timer.setInterval(interval_s * 1000)
        self._timer.timeout.connect(self.send_now)

    def start(self) -> None:
        self.send_now()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def send_now(self) -> None:
        beat = self._beat().model_copy(update={"interval_s": self.interval_s})
        self._bridge.call(
            lambda: self._send(beat),
            on_error=lambda e: log.info(
                "heartbeat not sent (the next in %d s): %s", self.interval_s, e
            ),
        )


__all__ = ["ClientBridge", "Heartbeats", "ServerMessage", "StreamRefused"]
