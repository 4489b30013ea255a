"""``PanelBridge``: server events in, panel commands out, panel health back to the server.

    bridge = PanelBridge(load_site("site.toml"))     # BridgeConfigError when it cannot run
    await bridge.run(stop_event)                      # until stop_event is set

The event stream (``branchq_client.EventStream``) feeds the ``PanelPlanner``; its commands go
to the worker of each panel's bus.
Heartbeats (one component per panel) are posted every ``server.heartbeat_interval_s`` seconds
and as soon as a panel's health or the event stream's state changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from branchq_client import (
    ApiError,
    BranchApi,
    ClientConfigError,
    ClientError,
    EventStream,
    StreamRefused,
)
from drivers.site import SiteConfig
from panel_bridge.errors import BridgeConfigError
from panel_bridge.health import component, heartbeat
from panel_bridge.panels import BusWorker
from panel_bridge.state import PanelPlanner
from server.contract.auth import Heartbeat
from server.contract.events import ServerMessage

log = logging.getLogger("branchq.panel_bridge")


class PanelBridge:
    def __init__(
        self,
        site: SiteConfig,
        *,
        token: str | None = None,
        min_backoff_s: float = 0.2,
        max_backoff_s: float = 5.0,
        probe_s: float | None = None,
        recheck_s: float = 5.0,
    ) -> None:
        if not site.panels:
            raise BridgeConfigError("the site file has no [[panels]]; expected at least one")
        token = token or site.server.resolve_token()
        if not token:
            raise BridgeConfigError(
                f"no device token: set the environment variable {site.server.token_env!r} "
                "(branchq admin create-device NAME --role panel_bridge prints one)"
            )
        self.site = site
        self._token = token
        self._interval_s = site.server.heartbeat_interval_s
        self.planner = PanelPlanner([p.counter for p in site.panels])
        try:
            self.stream = EventStream(
                site.server.url,
                token,
                self._on_message,
                min_backoff_s=min_backoff_s,
                max_backoff_s=max_backoff_s,
            )
        except ClientConfigError as exc:
            raise BridgeConfigError(str(exc)) from exc
        self.stream.on_state = self._stream_state
        self.stream.on_refused = _log_refused
        self.workers: dict[str, BusWorker] = {}
        for bus in site.buses:
            panels = [p for p in site.panels if p.bus == bus.id]
            if panels:
                self.workers[bus.id] = BusWorker(
                    bus,
                    panels,
                    on_health=self._health_changed_threadsafe,
                    probe_s=probe_s or self._interval_s,
                    recheck_s=recheck_s,
                )
        self._routes: dict[int, list[tuple[BusWorker, str]]] = {}
        for panel in site.panels:
            self._routes.setdefault(panel.counter, []).append((self.workers[panel.bus], panel.id))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._answered = asyncio.Event()  # the event stream has been answered once
        self.heartbeats_sent = 0
        self.last_heartbeat: Heartbeat | None = None

    # --- running --------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._answered = asyncio.Event()  # the event stream has been answered once
        for worker in self.workers.values():
            worker.start()
        log.info(
            "panel bridge: %d panels on %d buses, server %s",
            len(self.site.panels),
            len(self.workers),
            self.site.server.url,
        )
        tasks = [
            asyncio.create_task(self.stream.run(), name="event-stream"),
            asyncio.create_task(self._heartbeats(), name="heartbeats"),
        ]
        stopper = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait([stopper, *tasks], return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                error = None if task is stopper else task.exception()
                if error is not None:
                    raise error
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            stopper.cancel()
            await asyncio.to_thread(self._stop_workers)
            log.info("panel bridge stopped")

    def _stop_workers(self) -> None:
        for worker in self.workers.values():
            worker.stop()

    def _on_message(self, message: ServerMessage) -> None:
        for command in self.planner.apply(message):
            for worker, panel_id in self._routes.get(command.counter_number, []):
                worker.submit(panel_id, command)

    # --- health ---------------------------------------------------------------------------
    def _health_changed(self) -> None:
        self._wake.set()

    def _stream_state(self, connected: bool) -> None:
        if connected:
            self._answered.set()
        self._health_changed()

    def _health_changed_threadsafe(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop is shutting down
                self._loop.call_soon_threadsafe(self._wake.set)

    def current_heartbeat(self) -> Heartbeat:
        components = []
        for worker in self.workers.values():
            for entry, health, note in worker.health().values():
                components.append(component(entry, worker.entry.url, health, note))
        return heartbeat(
            components,
            connected=self.stream.connected,
            last_seq=self.stream.last_seq,
            interval_s=self._interval_s,
        )

    async def _heartbeats(self) -> None:
        timeout = min(5.0, max(1.0, self._interval_s))
        api = BranchApi(self.site.server.url, token=self._token, timeout_s=timeout, retries=0)
        async with api:
            # the first beat waits for the event stream's first answer (at most an interval):
            # one sent while still connecting said ERROR "events disconnected" at every start
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._answered.wait(), timeout=self._interval_s)
            self._wake.set()
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._interval_s)
                self._wake.clear()
                beat = self.current_heartbeat()
                try:
                    await api.heartbeat(beat)
                except ApiError as exc:
                    log.warning("heartbeat refused: HTTP %d %s", exc.status, exc.text.en)
                    continue
                except ClientError as exc:
                    # the next one goes at the interval, or as soon as the stream is back
                    log.warning("heartbeat failed: %s", exc.text.en)
                    continue
                self.heartbeats_sent += 1
                self.last_heartbeat = beat
                log.info("heartbeat: %s (%s)", beat.status, beat.detail)


def _log_refused(error: StreamRefused) -> None:
    log.error("%s; check the device token (token_env in the site file)", error)
