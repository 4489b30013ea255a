"""What each counter's panel should show, derived from the server's events (pure, no I/O).

``PanelPlanner.apply(message)`` takes one parsed server message and returns the panel commands
it implies. After a reconnect the server sends a ``Snapshot``; the planner then re-issues the
full current state for every counter it knows, so panels recover whatever they missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from server.contract.common import CounterState, TicketState
from server.contract.events import (
    CounterChanged,
    ServerMessage,
    Snapshot,
    TicketCalled,
    TicketChanged,
    TicketRecalled,
    TicketTransferred,
)


@dataclass(frozen=True)
class PanelCommand:
    counter_number: int
    action: Literal["show", "clear"]
    ticket_number: str = ""
    blink: bool = False  # a new call or a recall blinks; a restored state does not


class PanelPlanner:
    """Tracks the number shown per counter and turns events into panel commands."""

    def __init__(self, counters: list[int]) -> None:
        self._counters = sorted(set(counters))
        self.shown: dict[int, str] = {}  # counter -> ticket number on its panel
        self.last_seq: int | None = None

    def apply(self, message: ServerMessage) -> list[PanelCommand]:
        seq = getattr(message, "seq", None)
        if isinstance(seq, int):
            self.last_seq = seq
        if isinstance(message, Snapshot):
            return self._restore(message)
        if isinstance(message, TicketCalled | TicketRecalled):
            call = message.call
            return self._show(call.counter_number, call.ticket.number, blink=True)
        if isinstance(message, CounterChanged):
            if message.counter.state is CounterState.CLOSED:
                return self._clear(message.counter.counter_number)
            return []
        if isinstance(message, TicketChanged):
            # a parked ticket leaves the counter; finished/no-show keep the last number shown
            if message.action == "parked" and message.counter_number is not None:
                return self._clear_if_showing(message.counter_number, message.ticket.number)
            if message.action == "unparked" and message.counter_number is not None:
                return self._show(message.counter_number, message.ticket.number, blink=True)
            return []
        if isinstance(message, TicketTransferred) and message.from_counter_number is not None:
            return self._clear_if_showing(message.from_counter_number, message.ticket.number)
        return []

    def _restore(self, snapshot: Snapshot) -> list[PanelCommand]:
        commands: list[PanelCommand] = []
        for info in snapshot.counters:
            n = info.counter_number
            if n not in self._counters:
                continue
            current = info.current
            if info.state is CounterState.CLOSED:
                self.shown.pop(n, None)
                commands.append(PanelCommand(n, "clear"))
            elif current is not None and current.state in (TicketState.CALLED, TicketState.SERVING):
                self.shown[n] = current.number
                commands.append(PanelCommand(n, "show", current.number))
            elif n in self.shown:
                commands.append(PanelCommand(n, "show", self.shown[n]))
            else:
                commands.append(PanelCommand(n, "clear"))
        return commands

    def _show(self, counter: int, number: str, *, blink: bool) -> list[PanelCommand]:
        if counter not in self._counters:
            return []
        self.shown[counter] = number
        return [PanelCommand(counter, "show", number, blink=blink)]

    def _clear(self, counter: int) -> list[PanelCommand]:
        if counter not in self._counters:
            return []
        self.shown.pop(counter, None)
        return [PanelCommand(counter, "clear")]

    def _clear_if_showing(self, counter: int, number: str) -> list[PanelCommand]:
        if self.shown.get(counter) == number:
            return self._clear(counter)
        return []
