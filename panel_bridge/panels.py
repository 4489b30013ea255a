"""``BusWorker``: one thread per RS-485 bus runs the panel commands of that bus.

The drivers are blocking (pyserial), so each bus gets a thread of its own: a slow or dead bus
never delays another bus, and the event loop never waits for a panel. Within one bus the
``PanelBus`` keeps a dead panel from blocking the others (one short timeout, then it is marked
unhealthy and skipped until its next probe).

Per panel the worker remembers what it should show. A new call shows the number and blinks
for ``blink_s`` seconds (on a panel that can blink), then the worker makes it steady. A command
that did not reach the panel is retried every ``retry_s``; a call retried that way still blinks
when it is finally shown. A panel that refuses to blink (its model lacks the register) is
reported once and never asked to blink again. Every ``probe_s`` an idle panel that can report
its text is read back, and shown again (steady) if it lost it (power cycled, replaced). Every
change of a panel's health calls ``on_health()`` (from the worker thread).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from drivers.panel import (
    HealthStatus,
    PanelBus,
    PanelContentError,
    PanelError,
    PanelFeatureUnsupportedError,
    PanelHealth,
    PanelUnavailableError,
    SerialCallPanel,
    format_call,
)
from drivers.site import BusEntry, PanelEntry
from panel_bridge.errors import BridgeConfigError
from panel_bridge.state import PanelCommand

log = logging.getLogger("branchq.panel_bridge")

_STOP = object()


@dataclass
class PanelSlot:
    """One panel and what it should show."""

    entry: PanelEntry
    panel: SerialCallPanel
    wanted: PanelCommand | None = None  # None: never told anything yet
    applied: bool = True  # ``wanted`` reached the panel
    blink_pending: bool = False  # ``wanted`` is a new call: blink when it reaches the panel
    retry_at: float = 0.0
    steady_at: float | None = None  # when to stop blinking
    last_io: float = 0.0
    reported: HealthStatus = HealthStatus.UNKNOWN
    reported_unsupported: tuple[str, ...] = ()
    note: str = ""  # why the last command could not be shown (not a panel fault)

    def expected_text(self) -> str:
        if self.wanted is None or self.wanted.action == "clear":
            return ""
        chars = self.panel.capabilities.characters
        return format_call(self.wanted.ticket_number, self.entry.counter, chars)


class BusWorker:
    """Runs panel commands for the panels of one bus, in order, on its own thread."""

    def __init__(
        self,
        bus: BusEntry,
        panels: list[PanelEntry],
        *,
        on_health: Callable[[], None] = lambda: None,
        retry_s: float = 1.0,
        probe_s: float = 30.0,
        recheck_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        try:
            self.bus = PanelBus(
                bus.url,
                protocol=bus.protocol,
                baudrate=bus.baudrate,
                timeout_s=bus.timeout_s,
                recheck_s=recheck_s,
                clock=clock,
            )
            self.slots = {
                p.id: PanelSlot(p, self.bus.panel(p.address, blink_register=p.blink_register))
                for p in panels
            }
        except PanelError as exc:
            raise BridgeConfigError(f"bus {bus.id!r}: {exc}") from exc
        self.entry = bus
        self._on_health = on_health
        self._retry_s = retry_s
        self._probe_s = probe_s
        self._clock = clock
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=f"panel-bus-{bus.id}", daemon=True)

    # --- called from the event loop ------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def submit(self, panel_id: str, command: PanelCommand) -> None:
        self._queue.put((panel_id, command))

    def stop(self, timeout_s: float = 5.0) -> None:
        self._queue.put(_STOP)
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        self.bus.close()

    def health(self) -> dict[str, tuple[PanelEntry, PanelHealth, str]]:
        """Per panel id: its entry, the driver's health and a note on the last command."""
        return {pid: (s.entry, s.panel.health(), s.note) for pid, s in self.slots.items()}

    # --- the worker thread ----------------------------------------------------------------
    def _run(self) -> None:
        self._check_features()
        while True:
            try:
                item = self._queue.get(timeout=self._wait_s())
            except queue.Empty:
                item = None
            if item is _STOP:
                return
            try:
                if isinstance(item, tuple):
                    panel_id, command = item
                    self._take(self.slots[panel_id], command)
                self._due_work()
                self._check_health()
            except Exception:  # a bug must not silence every panel of the bus
                log.exception("bus %s: unexpected error; the worker carries on", self.entry.id)

    def _check_features(self) -> None:
        """At start, learn (by reading, nothing shown changes) which configured optional
        features the panels lack, so the first heartbeat already reports them."""
        for slot in self.slots.values():
            if slot.entry.blink_register is None:
                continue
            try:
                lacking = slot.panel.check_features()
            except PanelError as exc:  # not answering: its health says so
                log.warning("%s (counter %d): %s", slot.entry.id, slot.entry.counter, exc)
                continue
            for reason in lacking:
                log.warning(
                    "%s (counter %d): %s; %s",
                    slot.entry.id,
                    slot.entry.counter,
                    reason,
                    PanelFeatureUnsupportedError.advice,
                )
        self._check_health()

    def _wait_s(self) -> float:
        now = self._clock()
        wakes = [now + self._probe_s]
        for slot in self.slots.values():
            if slot.steady_at is not None:
                wakes.append(slot.steady_at)
            if not slot.applied:
                wakes.append(slot.retry_at)
        return max(0.0, min(wakes) - now)

    def _take(self, slot: PanelSlot, command: PanelCommand) -> None:
        slot.wanted = command
        slot.applied = False
        slot.blink_pending = command.blink
        slot.steady_at = None
        self._apply(slot)

    def _apply(self, slot: PanelSlot) -> None:
        command = slot.wanted
        if command is None:
            return
        panel, entry = slot.panel, slot.entry
        blink = slot.blink_pending and command.action == "show" and entry.blink_s > 0
        slot.last_io = self._clock()
        try:
            if command.action == "clear":
                panel.clear()
            else:
                panel.show(command.ticket_number, entry.counter)
                blink = self._set_blink(slot, blink)
                if blink:
                    slot.steady_at = self._clock() + entry.blink_s
        except PanelContentError as exc:
            slot.applied, slot.note = True, str(exc)  # retrying cannot help
            log.error("%s (counter %d): cannot show: %s", entry.id, entry.counter, exc)
            return
        except PanelError as exc:
            slot.retry_at = self._clock() + self._retry_s
            # a panel already known to be dead is logged once, not on every retry
            level = logging.DEBUG if isinstance(exc, PanelUnavailableError) else logging.WARNING
            log.log(level, "%s (counter %d): %s", entry.id, entry.counter, exc)
            return
        slot.applied, slot.note, slot.blink_pending = True, "", False
        what = "cleared" if command.action == "clear" else f"shows {command.ticket_number}"
        log.info("%s (counter %d) %s%s", entry.id, entry.counter, what, " blinking" * blink)

    def _set_blink(self, slot: PanelSlot, blink: bool) -> bool:
        """Blink (or stop) where the panel can; False when it did not blink."""
        panel, entry = slot.panel, slot.entry
        if not panel.capabilities.can_blink:
            return False
        try:
            panel.blink(entry.blink_s if blink else False)
        except PanelFeatureUnsupportedError as exc:
            # said once (health and heartbeat keep it); the number is shown, nothing to retry
            log.warning("%s (counter %d): %s; %s", entry.id, entry.counter, exc, exc.advice)
            return False
        return blink

    def _due_work(self) -> None:
        now = self._clock()
        for slot in self.slots.values():
            if not slot.applied:
                if now >= slot.retry_at:
                    self._apply(slot)  # a call not shown yet still blinks when it is
            elif slot.steady_at is not None and now >= slot.steady_at:
                self._make_steady(slot)
            elif slot.wanted is not None and now - slot.last_io >= self._probe_s:
                self._probe(slot)

    def _make_steady(self, slot: PanelSlot) -> None:
        slot.steady_at = None
        slot.last_io = self._clock()
        try:
            self._set_blink(slot, False)
        except PanelError as exc:
            log.warning("%s: could not stop blinking: %s", slot.entry.id, exc)

    def _probe(self, slot: PanelSlot) -> None:
        """Read back an idle panel; show its state again if it lost it."""
        slot.last_io = self._clock()
        if not slot.panel.capabilities.can_read_back:
            return
        try:
            shown = slot.panel.read_text()
        except PanelError as exc:
            log.warning("%s: probe failed: %s", slot.entry.id, exc)
            return
        expected = slot.expected_text()
        if (shown or "").rstrip() != expected.rstrip():
            log.info("%s shows %r, expected %r: restoring", slot.entry.id, shown, expected)
            slot.applied, slot.blink_pending = False, False  # a restored state does not blink
            self._apply(slot)

    def _check_health(self) -> None:
        changed = False
        for slot in self.slots.values():
            health = slot.panel.health()
            if health.status is not slot.reported:
                log.info("%s health %s -> %s", slot.entry.id, slot.reported, health.status)
                slot.reported = health.status
                changed = True
            if health.unsupported != slot.reported_unsupported:
                slot.reported_unsupported = health.unsupported
                changed = True
        if changed:
            self._on_health()
