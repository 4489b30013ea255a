"""The unit of work: the one way a use case gets its transaction and publishes its events.

A use case is a function whose first parameter is a ``Unit``, declared ``@writes`` (it changes
data) or ``@reads``; its callers pass the ``BranchContext`` and the decorator opens the unit::

    @writes
    def pause_counter(uow: Unit, at: TellerAt) -> CounterActionResult:
        loaded = LoadedDesk(uow.session, counter_number=at.counter_number)
        loaded.desk.pause(at)
        ...
        uow.publish(CounterChanged(seq=0, at=uow.ctx.now(), counter=info))
        return result

    counters.pause_counter(ctx, at)          # a router, the CLI, a test: opens the unit
    counters.pause_counter.within(uow, at)   # another use case: joins the unit already open

- ``uow.session`` is the transaction: helpers take it (or the unit) as a parameter and never
  open their own. ``uow.ctx`` is the BranchContext (clock, business day, branch file).
- ``uow.publish(event)`` queues the event. A writing unit commits, then hands the queued events
  to the hub in order, still holding the writer lock, so events go out in commit order; a
  reading unit hands them over when its block ends. On any exception the transaction rolls
  back and the queued events are dropped: a client never hears of a change that did not happen.
- Writing: ``server.store.db.write_session``: on SQLite this process's writer lock, then
  ``BEGIN IMMEDIATE`` (one writer; two processes never interleave a read-then-write); on
  PostgreSQL the repository functions lock the rows they change (``FOR UPDATE``).
- A use case that needs two transactions (a cheap read deciding whether to write at all, or
  slow work such as password hashing that must not hold the writer lock) opens them itself
  with ``with ctx.reading() as uow:`` / ``with ctx.writing() as uow:``: the same units.
- Nothing else in ``server.services`` opens a session or calls ``ctx.publish``. The one
  documented exception is issuing (``issue_batch`` / ``issuer``): group commit of many
  requests in one transaction on a raw writer connection, for its throughput.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Concatenate, Generic, ParamSpec, TypeVar

from sqlmodel import Session

from server.contract.events import Event
from server.store.db import read_session, write_session

if TYPE_CHECKING:
    from server.services.context import BranchContext

__all__ = ["Unit", "UseCase", "reading", "reads", "writes", "writing"]

P = ParamSpec("P")
R = TypeVar("R")


class Unit:
    """One transaction of a use case and the events to publish when it has succeeded."""

    __slots__ = ("_events", "ctx", "session")

    def __init__(self, ctx: BranchContext, session: Session) -> None:
        self.ctx = ctx
        self.session = session
        self._events: list[Event] = []

    def publish(self, event: Event) -> None:
        """Queue ``event``: published after the commit, dropped on a rollback."""
        self._events.append(event)

    def _flush_events(self) -> None:
        events, self._events = self._events, []
        for event in events:
            self.ctx.publish(event)


@contextmanager
def writing(ctx: BranchContext) -> Iterator[Unit]:
    """A write transaction (SQLite: writer lock + ``BEGIN IMMEDIATE``): commit, then publish."""
    with write_session(ctx.engine) as session:
        unit = Unit(ctx, session)
        yield unit
        session.commit()
        unit._flush_events()  # under the writer lock: in commit order


@contextmanager
def reading(ctx: BranchContext) -> Iterator[Unit]:
    """A read transaction; events queued in it are published when it ends without error."""
    with read_session(ctx.engine) as session:
        unit = Unit(ctx, session)
        yield unit
    unit._flush_events()


class UseCase(Generic[P, R]):
    """A use case declared with ``@writes`` / ``@reads``: call it with the BranchContext (it
    opens the unit) or ``.within(uow, ...)`` inside a unit already open."""

    def __init__(self, fn: Callable[Concatenate[Unit, P], R], *, write: bool) -> None:
        self.fn = fn
        self.write = write
        functools.update_wrapper(self, fn)

    def __call__(self, ctx: BranchContext, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with (writing if self.write else reading)(ctx) as uow:
            return self.fn(uow, *args, **kwargs)

    def within(self, uow: Unit, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.fn(uow, *args, **kwargs)


def writes(fn: Callable[Concatenate[Unit, P], R]) -> UseCase[P, R]:
    """Declare a use case that changes data: it runs in its own write unit."""
    return UseCase(fn, write=True)


def reads(fn: Callable[Concatenate[Unit, P], R]) -> UseCase[P, R]:
    """Declare a read-only use case: it runs in a read unit."""
    return UseCase(fn, write=False)
