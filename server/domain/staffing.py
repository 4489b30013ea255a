"""Wait alerts and the staffing suggestion that goes with them (pure).

An alert is raised for a service when its estimated wait passes its target
(``WAIT_OVER_TARGET``) or when a ticket has waited longer than the policy's max wait
(``TICKET_OVER_MAX_WAIT``). It clears by itself once the figure is back at or under
``CLEAR_RATIO`` of its limit: between the two the alert keeps its state (hysteresis), so a
queue hovering around its target does not raise and clear an alert on every ticket.

The suggestion says which counter could help, in this order:

1. ``OPEN_COUNTER``: a counter that serves the service but is closed or paused ("open counter
   6 for F"), the lowest number first;
2. ``ADD_SERVICE``: an open counter that does not serve it and has spare capacity, i.e. each
   of its own queues is short (estimate and longest wait at most ``SPARE_RATIO`` of the
   queue's target) ("let counter 2 also serve A"), the least loaded first;
3. ``OPEN_AND_ADD``: a closed counter that does not serve it yet ("open counter 7 and let it
   serve A");
4. ``NONE``: every counter is open and busy with its own queues.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from server.domain.states import CounterState

__all__ = [
    "ACTIVE_ALERT_STATES",
    "CLEAR_RATIO",
    "SPARE_RATIO",
    "AlertKind",
    "AlertState",
    "Breach",
    "CounterLoad",
    "QueueLoad",
    "Suggestion",
    "SuggestionKind",
    "breaches",
    "helpers",
    "suggest",
]

CLEAR_RATIO = 0.8
"""An alert clears when its figure is back at or under this share of its limit."""

SPARE_RATIO = 0.5
"""An open counter has spare capacity when each of its queues is within this share of its
target (estimated wait and longest wait)."""


class AlertKind(StrEnum):
    WAIT_OVER_TARGET = "wait_over_target"  # the estimated wait passed the service's target
    TICKET_OVER_MAX_WAIT = "ticket_over_max_wait"  # a ticket waited longer than the max wait


class AlertState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"  # a manager has seen it; still active until it clears
    CLEARED = "cleared"  # the wait fell back (final)


ACTIVE_ALERT_STATES = frozenset({AlertState.OPEN, AlertState.ACKNOWLEDGED})


class SuggestionKind(StrEnum):
    OPEN_COUNTER = "open_counter"
    ADD_SERVICE = "add_service"
    OPEN_AND_ADD = "open_and_add"
    NONE = "none"


@dataclass(frozen=True)
class QueueLoad:
    """A service's queue now: people waiting, the estimated wait of a new ticket, its target
    and how long its longest-waiting ticket has waited (0 when nobody waits), in seconds."""

    service_code: str
    waiting: int
    estimated_wait_s: int
    target_wait_s: int
    longest_wait_s: int

    def short(self) -> bool:
        """Whether this queue leaves its counters spare capacity."""
        limit = SPARE_RATIO * self.target_wait_s
        return self.estimated_wait_s <= limit and self.longest_wait_s <= limit


@dataclass(frozen=True)
class CounterLoad:
    """A counter as staffing sees it: its state and the services it serves."""

    number: int
    state: CounterState
    serves: frozenset[str]


@dataclass(frozen=True)
class Suggestion:
    kind: SuggestionKind
    service_code: str
    counter_number: int | None = None  # None for NONE


@dataclass(frozen=True)
class Breach:
    """An alert that should be active now: which figure passed which limit (seconds), what
    to do, and the counters that could help (those serving the service and the one
    suggested)."""

    service_code: str
    kind: AlertKind
    value_s: int
    limit_s: int
    suggestion: Suggestion
    helpers: tuple[int, ...]


def _figure(queue: QueueLoad, kind: AlertKind, max_wait_s: int) -> tuple[int, int]:
    if kind is AlertKind.WAIT_OVER_TARGET:
        return queue.estimated_wait_s, queue.target_wait_s
    return queue.longest_wait_s, max_wait_s


def breaches(
    queues: Sequence[QueueLoad],
    counters: Sequence[CounterLoad],
    *,
    max_wait_s: int,
    active: Iterable[tuple[str, AlertKind]] = (),
) -> list[Breach]:
    """The alerts that should be active now, given those that are (``active``: service code
    and kind): a new one needs its figure over the limit; an active one stays until its
    figure is back at or under ``CLEAR_RATIO`` of the limit."""
    if max_wait_s <= 0:
        raise ValueError(f"max_wait_s must be > 0 seconds, got {max_wait_s}")
    already = set(active)
    out: list[Breach] = []
    for queue in queues:
        for kind in AlertKind:
            value, limit = _figure(queue, kind, max_wait_s)
            if queue.waiting == 0:
                continue  # nobody waits: nothing to alert on (and an active alert clears)
            if (queue.service_code, kind) in already:
                keep = value > CLEAR_RATIO * limit
            else:
                keep = value > limit
            if keep:
                suggestion = suggest(queue.service_code, queues, counters)
                out.append(
                    Breach(
                        service_code=queue.service_code,
                        kind=kind,
                        value_s=value,
                        limit_s=limit,
                        suggestion=suggestion,
                        helpers=helpers(queue.service_code, counters, suggestion),
                    )
                )
    return out


def suggest(
    service_code: str, queues: Sequence[QueueLoad], counters: Sequence[CounterLoad]
) -> Suggestion:
    """The one concrete step that would shorten ``service_code``'s wait (see the module)."""
    ordered = sorted(counters, key=lambda c: c.number)
    for counter in ordered:
        if counter.state is not CounterState.OPEN and service_code in counter.serves:
            return Suggestion(SuggestionKind.OPEN_COUNTER, service_code, counter.number)
    by_code = {q.service_code: q for q in queues}
    spare: list[tuple[int, int]] = []  # (people waiting in its own queues, number)
    for counter in ordered:
        if counter.state is not CounterState.OPEN or service_code in counter.serves:
            continue
        own = [by_code[code] for code in sorted(counter.serves) if code in by_code]
        if all(q.short() for q in own):
            spare.append((sum(q.waiting for q in own), counter.number))
    if spare:
        return Suggestion(SuggestionKind.ADD_SERVICE, service_code, min(spare)[1])
    for counter in ordered:
        if counter.state is not CounterState.OPEN:
            return Suggestion(SuggestionKind.OPEN_AND_ADD, service_code, counter.number)
    return Suggestion(SuggestionKind.NONE, service_code)


def helpers(
    service_code: str, counters: Sequence[CounterLoad], suggestion: Suggestion
) -> tuple[int, ...]:
    """The counters that could help: those serving the service and the one suggested."""
    numbers = {c.number for c in counters if service_code in c.serves}
    if suggestion.counter_number is not None:
        numbers.add(suggestion.counter_number)
    return tuple(sorted(numbers))
