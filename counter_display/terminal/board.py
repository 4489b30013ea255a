"""``Board``: the branch's counters and queues as the event stream tells them (pure).

``apply(message)`` returns what the message is about, so the terminal refreshes only what
changed: ``"counters"``, ``"queues"``, and ``"desk"`` when the message may change this counter's
desk (its ticket, the tickets it may call, its parked ones), ``"emergency"`` when the branch's
emergency notice was set or lifted, ``"alerts"`` when a wait alert was raised, acknowledged or
cleared (``mine_alerts()``: the active ones this counter could help with).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from server.contract.alerts import AlertInfo
from server.contract.common import Bilingual
from server.contract.events import (
    AlertAcknowledged,
    AlertCleared,
    AlertRaised,
    CounterChanged,
    CounterInfo,
    EmergencyChanged,
    QueueInfo,
    QueuesChanged,
    ServerMessage,
    Snapshot,
    TicketCalled,
    TicketChanged,
    TicketIssued,
    TicketRecalled,
    TicketTransferred,
)


@dataclass
class Board:
    counter_number: int
    counters: dict[int, CounterInfo] = field(default_factory=dict)
    queues: dict[str, QueueInfo] = field(default_factory=dict)
    emergency: Bilingual | None = None  # the branch stopped issuing: shown in a banner
    alerts: dict[int, AlertInfo] = field(default_factory=dict)  # active wait alerts by id

    @property
    def mine(self) -> CounterInfo | None:
        return self.counters.get(self.counter_number)

    def mine_alerts(self) -> list[AlertInfo]:
        """Active wait alerts this counter could help with (it serves the service, or it is
        the one suggested), newest first."""
        return [
            a
            for _, a in sorted(self.alerts.items(), reverse=True)
            if self.counter_number in a.helpers
        ]

    def others(self) -> list[CounterInfo]:
        return [c for n, c in sorted(self.counters.items()) if n != self.counter_number]

    def apply(self, message: ServerMessage) -> set[str]:
        if isinstance(message, Snapshot):
            self.counters = {c.counter_number: c for c in message.counters}
            self.queues = {q.service_code: q for q in message.queues}
            self.emergency = message.emergency
            self.alerts = {a.id: a for a in message.alerts}
            return {"counters", "queues", "desk", "emergency", "alerts"}
        if isinstance(message, EmergencyChanged):
            self.emergency = message.notice
            return {"emergency"}
        if isinstance(message, AlertRaised | AlertAcknowledged):
            self.alerts[message.alert.id] = message.alert
            return {"alerts"}
        if isinstance(message, AlertCleared):
            self.alerts.pop(message.alert.id, None)
            return {"alerts"}
        changed: set[str] = set()
        queues: list[QueueInfo] = []
        if isinstance(message, TicketIssued | TicketCalled | TicketChanged):
            queues = [message.queue]
            changed.add("desk")  # a new ticket to call, one called away, ours changed
        elif isinstance(message, TicketTransferred | QueuesChanged):
            queues = list(message.queues)
            changed.add("desk")
        elif isinstance(message, TicketRecalled):
            if message.call.counter_number == self.counter_number:
                changed.add("desk")
        elif isinstance(message, CounterChanged):
            self.counters[message.counter.counter_number] = message.counter
            changed.add("counters")
            if message.counter.counter_number == self.counter_number:
                changed.add("desk")
        for queue in queues:
            self.queues[queue.service_code] = queue
        if queues:
            changed.add("queues")
        if isinstance(message, TicketCalled):
            self._hold(message.call.counter_number, message.call.ticket)
            changed.add("counters")
        elif isinstance(message, TicketChanged) and message.counter_number is not None:
            if message.action in ("started", "unparked"):
                self._hold(message.counter_number, message.ticket)
            else:  # finished, no-show, parked: its counter is free; a cancel changes nothing
                info = self.counters.get(message.counter_number)
                if info and info.current and info.current.public_id == message.ticket.public_id:
                    self._hold(message.counter_number, None)
            changed.add("counters")
        elif isinstance(message, TicketTransferred) and message.from_counter_number is not None:
            self._hold(message.from_counter_number, None)
            changed.add("counters")
        return changed

    def _hold(self, counter_number: int, ticket: object) -> None:
        info = self.counters.get(counter_number)
        if info is not None:
            self.counters[counter_number] = info.model_copy(update={"current": ticket})
