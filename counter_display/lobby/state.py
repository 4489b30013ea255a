"""What the lobby shows and which calls it still has to speak (pure: no Qt, no I/O).

``LobbyState.apply(message, now_mono)`` takes one parsed server message and returns an
``Outcome``: whether the screen changed, the call to flash (a new call or a recall) and the
calls to announce, oldest first.

Identity of a call: the ticket's ``public_id`` and the time of the call event (the call, the
recall or the unpark). A live ``ticket.called`` carries it as ``call.called_at`` (= the event's
``at``), a live ``ticket.recalled`` and ``ticket.changed`` (unparked) as the event's ``at``, a
snapshot's ``recent_calls`` entry as its ``called_at``; all are the same stored event time, so
after a reconnect or a server restart the snapshot's calls are recognised, and only calls never
announced are announced. A call's age when it is handed on is ``at - called_at`` of the
message it came in (server clock only, so the display's clock may be wrong) plus the time since
it arrived; older than ``max_call_age_s``: shown, not spoken.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from server.contract.common import Bilingual
from server.contract.events import (
    CallInfo,
    CounterChanged,
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

REMEMBERED_CALLS = 2000  # identities kept to tell announced calls from new ones


def call_key(public_id: str, at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return f"{public_id}@{at.astimezone(UTC).isoformat(timespec='microseconds')}"


@dataclass(frozen=True)
class ShownCall:
    key: str
    call: CallInfo
    at: datetime  # when this call (or recall) was made
    recall: bool  # a recall ("再次呼叫 / Called again")


@dataclass(frozen=True)
class Announcement:
    key: str
    ticket_number: str
    counter_number: int
    age_s: float  # at the moment it arrived
    received_mono: float  # time.monotonic() when it arrived


@dataclass
class Outcome:
    changed: bool = False
    flash: ShownCall | None = None
    announce: list[Announcement] = field(default_factory=list)


def counter_label(n: int) -> Bilingual:
    return Bilingual(zh=f"{n}号窗口", en=f"Counter {n}")


class LobbyState:
    def __init__(
        self,
        *,
        history: int = 8,
        max_call_age_s: float = 60.0,
        remembered: Iterable[str] = (),
        on_remember: Callable[[str], None] = lambda _key: None,
    ) -> None:
        self.history = history
        self.max_call_age_s = max_call_age_s
        self.queues: dict[str, QueueInfo] = {}
        self.calls: list[ShownCall] = []  # newest first, one per ticket, at most history + 1
        self.emergency: Bilingual | None = None
        self.counter_names: dict[int, Bilingual] = {}
        self.synced = False  # a snapshot has been applied
        self._handled: OrderedDict[str, None] = OrderedDict((k, None) for k in remembered)
        self._on_remember = on_remember

    @property
    def newest(self) -> ShownCall | None:
        return self.calls[0] if self.calls else None

    def handled(self, key: str) -> bool:
        return key in self._handled

    def apply(self, message: ServerMessage, now_mono: float) -> Outcome:
        if isinstance(message, Snapshot):
            return self._snapshot(message, now_mono)
        out = Outcome()
        if isinstance(message, TicketCalled):
            self._queue(message.queue)
            self._call(message.call, message.call.called_at, message.at, now_mono, out)
        elif isinstance(message, TicketRecalled):
            self._call(message.call, message.at, message.at, now_mono, out)
        elif isinstance(message, TicketChanged):
            self._queue(message.queue)
            if message.action == "unparked" and message.counter_number is not None:
                n = message.counter_number
                call = CallInfo(
                    ticket=message.ticket,
                    counter_number=n,
                    counter_name=self.counter_names.get(n, counter_label(n)),
                    called_at=message.at,
                )
                self._call(call, message.at, message.at, now_mono, out)
        elif isinstance(message, TicketIssued):
            self._queue(message.queue)
        elif isinstance(message, TicketTransferred | QueuesChanged):
            for queue in message.queues:
                self._queue(queue)
        elif isinstance(message, CounterChanged):
            self.counter_names[message.counter.counter_number] = message.counter.name
        elif isinstance(message, EmergencyChanged):
            self.emergency = message.notice
        else:
            return out
        out.changed = True
        return out

    def _snapshot(self, snap: Snapshot, now_mono: float) -> Outcome:
        out = Outcome(changed=True)
        self.queues = {q.service_code: q for q in snap.queues}
        self.counter_names = {c.counter_number: c.name for c in snap.counters}
        self.emergency = snap.emergency
        newest_first: list[ShownCall] = []
        seen_tickets: set[str] = set()
        for call in snap.recent_calls:  # newest first
            shown = ShownCall(
                key=call_key(call.ticket.public_id, call.called_at),
                call=call,
                at=call.called_at,
                recall=call.recall_count > 0,
            )
            if call.ticket.public_id not in seen_tickets:
                seen_tickets.add(call.ticket.public_id)
                newest_first.append(shown)
            if not self.handled(shown.key):
                out.announce.append(self._announcement(shown, snap.at, now_mono))
        out.announce.reverse()  # speak in call order
        fresh = [a for a in out.announce if a.age_s <= self.max_call_age_s]
        newest = newest_first[0] if newest_first else None
        # a call made while this display was away flashes; at start-up only a fresh one
        if (
            newest is not None
            and not self.handled(newest.key)
            and (self.synced or any(a.key == newest.key for a in fresh))
        ):
            out.flash = newest
        for a in out.announce:
            self._remember(a.key)
        out.announce = fresh
        self.calls = newest_first[: self.history + 1]
        self.synced = True
        return out

    def _call(
        self, call: CallInfo, at: datetime, sent_at: datetime, now_mono: float, out: Outcome
    ) -> None:
        shown = ShownCall(call_key(call.ticket.public_id, at), call, at, call.recall_count > 0)
        self.calls = [shown] + [
            c for c in self.calls if c.call.ticket.public_id != call.ticket.public_id
        ]
        del self.calls[self.history + 1 :]
        if self.handled(shown.key):
            return  # replayed after a reconnect: already flashed and announced
        self._remember(shown.key)
        out.flash = shown
        announcement = self._announcement(shown, sent_at, now_mono)
        if announcement.age_s <= self.max_call_age_s:
            out.announce.append(announcement)

    def _announcement(self, shown: ShownCall, sent_at: datetime, now_mono: float) -> Announcement:
        age = max(0.0, (sent_at - shown.at).total_seconds())
        return Announcement(
            key=shown.key,
            ticket_number=shown.call.ticket.number,
            counter_number=shown.call.counter_number,
            age_s=age,
            received_mono=now_mono,
        )

    def _queue(self, queue: QueueInfo) -> None:
        self.queues[queue.service_code] = queue

    def _remember(self, key: str) -> None:
        self._handled[key] = None
        self._on_remember(key)
        while len(self._handled) > REMEMBERED_CALLS:
            self._handled.popitem(last=False)
